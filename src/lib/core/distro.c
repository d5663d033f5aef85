/* distro.c - the vulnerability-feed namespace of a distribution
 * ("debian:12", "alpine:3.21", "rhel:9"): the key the matcher looks
 * advisories up by, derived from os-release's ID and VERSION_ID. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/distro.h"
#include "util/util.h"

/* How much of VERSION_ID a namespace keeps. */
enum { KEEP_MAJOR, KEEP_MAJOR_MINOR, KEEP_ALL, KEEP_ROLLING };

static const struct {
	const char *id, *ns;
	int keep;
} distros[] = {
	{"debian", "debian", KEEP_MAJOR},
	{"ubuntu", "ubuntu", KEEP_ALL},
	{"alpine", "alpine", KEEP_MAJOR_MINOR},
	{"rhel", "rhel", KEEP_MAJOR},
	{"rocky", "rocky", KEEP_MAJOR},
	{"almalinux", "almalinux", KEEP_MAJOR},
	{"centos", "centos", KEEP_MAJOR},
	{"ol", "ol", KEEP_MAJOR},
	{"fedora", "fedora", KEEP_MAJOR},
	{"amzn", "amzn", KEEP_MAJOR},
	{"sles", "sles", KEEP_MAJOR_MINOR},
	{"sled", "sles", KEEP_MAJOR_MINOR},
	{"opensuse-leap", "opensuse-leap", KEEP_MAJOR_MINOR},
	{"opensuse-tumbleweed", "opensuse-tumbleweed", KEEP_ROLLING},
	{"mariner", "mariner", KEEP_MAJOR_MINOR},
	{"azurelinux", "azurelinux", KEEP_MAJOR_MINOR},
	{"wolfi", "wolfi", KEEP_ROLLING},
	{"chainguard", "chainguard", KEEP_ROLLING},
	{NULL, NULL, 0},
};

/* Debian releases without VERSION_ID (testing, sid) name only a codename. */
static const struct {
	const char *codename, *version;
} debian_codenames[] = {
	{"stretch", "9"}, {"buster", "10"}, {"bullseye", "11"}, {"bookworm", "12"},
	{"trixie", "13"}, {"forky", "14"}, {"sid", "unstable"}, {NULL, NULL},
};

/* Ubuntu's release names (the suite of its archive), for Packages indexes */
static const struct {
	const char *codename, *version;
} ubuntu_codenames[] = {
	{"trusty", "14.04"}, {"xenial", "16.04"},  {"bionic", "18.04"}, {"focal", "20.04"},
	{"jammy", "22.04"},  {"kinetic", "22.10"}, {"lunar", "23.04"},  {"mantic", "23.10"},
	{"noble", "24.04"},  {"oracular", "24.10"}, {"plucky", "25.04"}, {"questing", "25.10"},
	{NULL, NULL},
};

char *customs__distro_suite_namespace(const char *suite, size_t n)
{
	/* "bookworm-security", "jammy-updates", "buster/updates": the release */
	size_t len = strcspn(suite, "-/");
	if (len > n)
		len = n;
	for (int i = 0; debian_codenames[i].codename; i++)
		if (strlen(debian_codenames[i].codename) == len && !strncmp(suite, debian_codenames[i].codename, len))
			return customs_asprintf("debian:%s", debian_codenames[i].version);
	for (int i = 0; ubuntu_codenames[i].codename; i++)
		if (strlen(ubuntu_codenames[i].codename) == len && !strncmp(suite, ubuntu_codenames[i].codename, len))
			return customs_asprintf("ubuntu:%s", ubuntu_codenames[i].version);
	return NULL;
}

/* The first `parts` dot-separated numeric components of v. */
static size_t components(const char *v, int parts)
{
	size_t n = 0;
	for (int i = 0; i < parts; i++) {
		size_t d = strspn(v + n, "0123456789");
		if (!d)
			break;
		n += d;
		if (i + 1 < parts && v[n] == '.' && isdigit((unsigned char)v[n + 1]))
			n++;
		else
			break;
	}
	return n;
}

char *customs__distro_namespace(const customs_distro *d)
{
	const char *ns = NULL, *v = d ? d->version_id : NULL;
	int keep = KEEP_ALL;
	size_t vlen;

	if (!d || !d->id || !*d->id)
		return NULL;
	for (int i = 0; distros[i].id; i++)
		if (!strcmp(d->id, distros[i].id)) {
			ns = distros[i].ns;
			keep = distros[i].keep;
			break;
		}
	if (!ns)
		ns = d->id;
	if (keep == KEEP_ROLLING)
		return customs_asprintf("%s:rolling", ns);
	if (!strcmp(ns, "debian") && (!v || !*v) && d->version_codename) {
		for (int i = 0; debian_codenames[i].codename; i++)
			if (!strcmp(d->version_codename, debian_codenames[i].codename))
				return customs_asprintf("debian:%s", debian_codenames[i].version);
	}
	if (!v || !*v)
		return customs_strdup(ns);
	if (keep == KEEP_MAJOR)
		vlen = components(v, 1);
	else if (keep == KEEP_MAJOR_MINOR)
		vlen = components(v, 2);
	else
		vlen = strlen(v);
	if (!vlen) /* not numeric ("edge", "3.22_alpha20250108" keeps "3.22") */
		vlen = strlen(v);
	return customs_asprintf("%s:%.*s", ns, (int)vlen, v);
}
