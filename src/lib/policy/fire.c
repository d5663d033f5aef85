/* fire.c - what every gate writes to while a bundle is evaluated: a
 * finding with Anchore Engine's trigger id (md5 of gate, trigger and
 * message when the trigger gives none), a warning, memory the result owns,
 * and whether a layer is the base image's. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "policy/policy_int.h"

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

int policy__in_base(const pctx *c, int layer)
{
	if (layer < 0 || c->o->base_layers <= 0)
		return -1;
	return layer < c->o->base_layers;
}

const char *policy__abs(pctx *c, const char *path)
{
	if (!path || path[0] == '/' || !strncmp(path, "config:", 7))
		return path;
	return customs_arena_printf(&c->arena, "/%s", path);
}

/* Anchore's trigger id when a trigger gives none: md5(gate + trigger + message). */
static const char *md5_id(pctx *c, const char *gate, const char *trigger, const char *msg)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char hex[33];
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	if (!x)
		return NULL;
	if (!EVP_DigestInit_ex(x, EVP_md5(), NULL) || !EVP_DigestUpdate(x, gate, strlen(gate)) ||
	    !EVP_DigestUpdate(x, trigger, strlen(trigger)) || !EVP_DigestUpdate(x, msg, strlen(msg)) ||
	    !EVP_DigestFinal_ex(x, md, &n) || n != 16) {
		EVP_MD_CTX_free(x);
		return NULL;
	}
	EVP_MD_CTX_free(x);
	customs_hex(hex, md, 16);
	return customs_arena_strdup(&c->arena, hex);
}

int policy__fire(pctx *c, const prule *r, const char *instance_id, int layer, const char *path, const customs_match *m,
		 const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (CUSTOMS_ARRAY_GROW(c->f, c->nf, c->capf) < 0)
		return nomem();
	customs_policy_finding *f = &c->f[c->nf];
	memset(f, 0, sizeof(*f));
	f->gate = r->gate->pub.name;
	f->trigger = r->trigger_name;
	f->message = customs_arena_strdup(&c->arena, buf);
	f->trigger_id = instance_id ? customs_arena_strdup(&c->arena, instance_id)
				    : md5_id(c, r->gate->pub.name, r->trig->pub.name, buf);
	f->rule_id = r->id;
	f->policy_id = r->policy->id;
	f->policy_name = r->policy->name;
	f->action = r->action;
	f->layer = layer;
	f->in_base = policy__in_base(c, layer);
	f->path = path ? customs_arena_strdup(&c->arena, path) : NULL;
	f->match = m;
	if (!f->message || !f->trigger_id || (path && !f->path))
		return nomem();
	c->nf++;
	return 0;
}

void policy__warn(pctx *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < c->nwarnings; i++)
		if (!strcmp(c->warnings[i], buf))
			return;
	if (CUSTOMS_ARRAY_GROW(c->warnings, c->nwarnings, c->capwarnings) == 0 &&
	    (c->warnings[c->nwarnings] = customs_strdup(buf)))
		c->nwarnings++;
}

int policy__own(pctx *c, void *p)
{
	if (!p || CUSTOMS_ARRAY_GROW(c->owned, c->nowned, c->capowned) < 0) {
		free(p);
		return nomem();
	}
	c->owned[c->nowned++] = p;
	return 0;
}
