/* doc.c - a configuration document (ignore rules, policy bundles) as one
 * jansson tree, whether it was written as JSON (RFC 8259, duplicate keys
 * refused) or YAML 1.1 (libyaml's document API, every scalar a string).
 * YAML aliases point back at nodes already read, so a document of a few
 * hundred bytes can stand for billions of nodes: the tree is capped.
 * Messages about a value name its JSON type. */
#include <ctype.h>
#include <stdio.h>

#include <yaml.h>

#include "util/util.h"

#define MAX_DEPTH 64
#define MAX_NODES 1000000 /* what a YAML document may expand to */

typedef struct yconv {
	yaml_document_t *doc;
	size_t nodes;
	int too_big;
} yconv;

static json_t *yaml_node(yconv *c, yaml_node_t *n, int depth)
{
	json_t *j = NULL;
	if (!n || depth > MAX_DEPTH)
		return NULL;
	if (++c->nodes > MAX_NODES) {
		c->too_big = 1;
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE: return json_stringn((const char *)n->data.scalar.value, n->data.scalar.length);
	case YAML_SEQUENCE_NODE:
		if (!(j = json_array()))
			return NULL;
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			json_t *v = yaml_node(c, yaml_document_get_node(c->doc, *it), depth + 1);
			if (!v || json_array_append_new(j, v) < 0) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	case YAML_MAPPING_NODE:
		if (!(j = json_object()))
			return NULL;
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
			json_t *v = yaml_node(c, yaml_document_get_node(c->doc, p->value), depth + 1);
			char *key = k && k->type == YAML_SCALAR_NODE
					    ? customs_strndup((const char *)k->data.scalar.value, k->data.scalar.length)
					    : NULL;
			if (!key || !v || json_object_set_new(j, key, v) < 0) {
				free(key);
				json_decref(v);
				json_decref(j);
				return NULL;
			}
			free(key);
		}
		return j;
	default: return NULL;
	}
}

static int parse_yaml(json_t **out, const char *name, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: line %zu column %zu: %s", name, parser.problem_mark.line + 1,
				     parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		return err;
	}
	yconv c = {.doc = &doc};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	*out = root ? yaml_node(&c, root, 0) : json_null();
	if (!*out && c.too_big)
		err = customs__error(CUSTOMS_ELIMIT, "%s: the YAML expands to more than %d nodes (aliases)", name,
				     MAX_NODES);
	else if (!*out)
		err = customs__error(CUSTOMS_EFORMAT, "%s: YAML with non-string keys, or nested deeper than %d levels",
				     name, MAX_DEPTH);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

int customs__doc_parse(json_t **out, const char *name, const char *buf, size_t len, int allow_yaml)
{
	const char *p = buf;
	json_error_t je;

	*out = NULL;
	while (p < buf + len && isspace((unsigned char)*p))
		p++;
	if ((p < buf + len && (*p == '{' || *p == '[')) || !allow_yaml) {
		if (!(p < buf + len && (*p == '{' || *p == '[')))
			return customs__error(CUSTOMS_EFORMAT, "%s: not a JSON document", name);
		if (!(*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)))
			return customs__error(CUSTOMS_EFORMAT, "%s: line %d column %d: %s", name, je.line, je.column,
					      je.text);
		return 0;
	}
	return parse_yaml(out, name, buf, len);
}

const char *customs__json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}
