/* fuzz_layer.c - the input as the one layer blob of an OCI image layout,
 * through the whole pipeline: customs_analyze (blob stream with gzip/zstd/
 * plain sniffing, libarchive tar walk, whiteouts, analyzers, squash), then
 * customs_analysis_to_json.  The layout lives in one temporary directory;
 * each input rewrites its blob, manifest and index.json so that the digests
 * verify.  CUSTOMS_FUZZ_ANALYZERS narrows the analyzers (default: all). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "customs/customs.h"

static char dir[64];

static void sha256_hex(char out[65], const void *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len;
	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		out[2 * i] = hx[md[i] >> 4], out[2 * i + 1] = hx[md[i] & 15];
	out[64] = '\0';
}

static int put(const char *rel, const void *p, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(p, 1, n, f);
	return (fclose(f) == 0 && w == n) ? 0 : -1;
}

/* Store a blob; its name goes to hex. */
static int put_blob(char hex[65], const void *p, size_t n)
{
	char rel[128];
	sha256_hex(hex, p, n);
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", hex);
	return put(rel, p, n);
}

static void drop_blob(const char *hex)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, hex);
	unlink(path);
}

static const char config[] =
	"{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
	"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
	"0000000000000000000000000000000000000000000000000000000000000000\"]}}";
static char config_hex[65];

static void cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_layer: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(dir, sizeof(dir), "/tmp/customs-fuzz-layer.XXXXXX");
	char bl[96];
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(bl, sizeof(bl), "%s/blobs", dir);
	mkdir(bl, 0700);
	snprintf(bl, sizeof(bl), "%s/blobs/sha256", dir);
	mkdir(bl, 0700);
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	if (put("oci-layout", layout, sizeof(layout) - 1) < 0 || put_blob(config_hex, config, sizeof(config) - 1) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char layer_hex[65], man_hex[65], man[1024], index[512];
	customs_analysis *a = NULL;
	customs_options o;

	if (put_blob(layer_hex, data, size) < 0)
		abort();
	/* the media type is only a hint: the first byte picks one, content decides */
	static const char *const mts[] = {"application/vnd.oci.image.layer.v1.tar+gzip",
					  "application/vnd.oci.image.layer.v1.tar",
					  "application/vnd.oci.image.layer.v1.tar+zstd"};
	int mlen = snprintf(man, sizeof(man),
			    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			    "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
			    "\"digest\":\"sha256:%s\",\"size\":%zu},"
			    "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"sha256:%s\",\"size\":%zu}]}",
			    config_hex, sizeof(config) - 1, mts[size ? data[0] % 3 : 0], layer_hex, size);
	if (put_blob(man_hex, man, (size_t)mlen) < 0)
		abort();
	int ilen = snprintf(index, sizeof(index),
			    "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
			    "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:%s\",\"size\":%d}]}",
			    man_hex, mlen);
	if (put("index.json", index, (size_t)ilen) < 0)
		abort();

	memset(&o, 0, sizeof(o));
	o.version = CUSTOMS_OPTIONS_VERSION;
	o.threads = 1;
	o.max_layer_bytes = 32u << 20; /* keep each run short; the ratio limit stays default */
	o.file_digests = size && (data[0] & 4);
	o.verify_diff_ids = size && (data[0] & 8);
	/* the opt-in analyzers a policy turns on read every file too */
	o.secrets = size && (data[0] & 16);
	o.config_files = size && (data[0] & 32);
	o.verify_packages = size && (data[0] & 64);
	o.analyzers = getenv("CUSTOMS_FUZZ_ANALYZERS");
	char ref[96];
	snprintf(ref, sizeof(ref), "oci:%s", dir);
	if (customs_analyze(&a, ref, &o) == 0) {
		json_t *j = customs_analysis_to_json(a, CUSTOMS_JSON_FILES | CUSTOMS_JSON_ALL_LAYERS | CUSTOMS_JSON_PACKAGES);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		free(s);
		json_decref(j);
		customs_analysis_free(a);
	}
	/* the config stays; the layer and manifest change with the input */
	if (strcmp(layer_hex, config_hex) != 0)
		drop_blob(layer_hex);
	if (strcmp(man_hex, config_hex) != 0 && strcmp(man_hex, layer_hex) != 0)
		drop_blob(man_hex);
	return 0;
}
