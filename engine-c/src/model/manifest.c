/* manifest.c — writes manifest.json (pretty-printed, one key per line) and reads it back,
 * validating every field against the geometry it describes. */
#define _GNU_SOURCE
#include "manifest.h"
#include "fsutil.h"
#include "../util/common.h"
#include "../util/json.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MANIFEST_BYTES (1 << 20)

void tb_manifest_init(tb_manifest *m, const tb_geometry *g, uint64_t seed, const char *preset,
                      int imported) {
  memset(m, 0, sizeof *m);
  snprintf(m->preset, sizeof m->preset, "%s", preset && *preset ? preset : "custom");
  m->imported = imported;
  m->resident_synthetic = 1;   /* resident weights are always generated, also for imports */
  m->seed = seed;
  m->g = *g;
  tb_record_layout rec;
  tb_record_layout_of(g, g->ffn, g->bits, &rec);
  m->record_size = rec.size;
  m->file_count = g->layers + 1;
  for (int l = 0; l < g->layers; l++) {
    tb_layer_file_name(l, m->files[l].name, sizeof m->files[l].name);
    m->files[l].size = tb_model_layer_file_size(g);
  }
  snprintf(m->files[g->layers].name, sizeof m->files[0].name, "%s", TB_RESIDENT_FILE);
  m->files[g->layers].size = tb_model_resident_size(g);
}

/* ---- writing ----------------------------------------------------------------------------- */

static const char *const geometry_keys[] = {
  "hidden", "ffn", "shared_ffn", "layers", "experts", "k", "group", "bits", "dense_bits",
  "dense_matrices",
};

static int *geometry_field(tb_geometry *g, int i) {
  int *const fields[] = { &g->hidden, &g->ffn, &g->shared_ffn, &g->layers, &g->experts, &g->k,
                          &g->group, &g->bits, &g->dense_bits, &g->dense_matrices };
  return fields[i];
}

int tb_manifest_commit(const tb_manifest *m, const char *dir) {
  tb_jw w;
  tb_jw_init(&w);
  tb_jw_begin_object(&w);
  tb_jw_key(&w, "format");             tb_jw_str(&w, TB_MANIFEST_FORMAT);
  tb_jw_key(&w, "version");            tb_jw_int(&w, TB_MANIFEST_VERSION);
  tb_jw_key(&w, "preset");             tb_jw_str(&w, m->preset);
  tb_jw_key(&w, "source");             tb_jw_str(&w, m->imported ? "imported" : "generated");
  tb_jw_key(&w, "resident_synthetic"); tb_jw_bool(&w, m->resident_synthetic);
  tb_jw_key(&w, "seed");               tb_jw_uint(&w, m->seed);
  tb_jw_key(&w, "bits");               tb_jw_int(&w, m->g.bits);
  tb_jw_key(&w, "geometry");
  tb_jw_begin_object(&w);
  tb_geometry g = m->g;
  for (int i = 0; i < TB_ARRAY_LEN(geometry_keys); i++) {
    tb_jw_key(&w, geometry_keys[i]);
    tb_jw_int(&w, *geometry_field(&g, i));
  }
  tb_jw_end_object(&w);
  tb_jw_key(&w, "record_size");        tb_jw_int(&w, m->record_size);
  tb_jw_key(&w, "files");
  tb_jw_begin_object(&w);
  for (int i = 0; i < m->file_count; i++) {
    const tb_manifest_file *f = &m->files[i];
    tb_jw_key(&w, f->name);
    tb_jw_begin_object(&w);
    tb_jw_key(&w, "size");
    tb_jw_int(&w, f->size);
    if (f->has_checksum) {
      char hex[17];
      snprintf(hex, sizeof hex, "%016llx", (unsigned long long)f->checksum);
      tb_jw_key(&w, "fnv1a64");
      tb_jw_str(&w, hex);
    }
    tb_jw_end_object(&w);
  }
  tb_jw_end_object(&w);
  tb_jw_end_object(&w);
  const char *text = tb_jw_finish(&w);
  int rc = text ? tb_write_file_atomic(dir, TB_MANIFEST_FILE, text, strlen(text))
                : tb_fail(TB_ERR_NOMEM, "%s/%s: out of memory building the manifest", dir,
                          TB_MANIFEST_FILE);
  tb_jw_free(&w);
  return rc;
}

/* ---- reading ----------------------------------------------------------------------------- */

/* Reads the whole file into a NUL-terminated malloc'd buffer. */
static int slurp(const char *path, const char *dir, char **out, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return tb_fail(TB_ERR_MODEL, "%s: no %s: not a committed model (generation incomplete?)",
                     dir, TB_MANIFEST_FILE);
    return tb_fail(TB_ERR_IO, "open %s: %s", path, strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size > MAX_MANIFEST_BYTES) {
    close(fd);
    return tb_fail(TB_ERR_MODEL, "%s: larger than %d bytes: not a tierbench manifest", path,
                   MAX_MANIFEST_BYTES);
  }
  char *buf = malloc((size_t)st.st_size + 1);
  if (!buf) { close(fd); return tb_fail(TB_ERR_NOMEM, "%s: out of memory", path); }
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      free(buf);
      close(fd);
      return tb_fail(TB_ERR_IO, "read %s: %s", path, n < 0 ? strerror(e) : "file shrank");
    }
    got += (size_t)n;
  }
  close(fd);
  buf[got] = 0;
  *out = buf;
  *len = got;
  return TB_OK;
}

/* Checks that obj has only the listed keys. */
static int only_keys(const tb_json *obj, const char *const *keys, int n, const char *path,
                     const char *where) {
  for (const tb_json *c = obj->child; c; c = c->next) {
    int known = 0;
    for (int i = 0; i < n && !known; i++) known = strcmp(c->key, keys[i]) == 0;
    if (known) continue;
    char valid[512] = "";
    for (int i = 0; i < n; i++) {
      size_t used = strlen(valid);
      snprintf(valid + used, sizeof valid - used, "%s%s", i ? ", " : "", keys[i]);
    }
    return tb_fail(TB_ERR_MODEL, "%s: line %d: unknown key \"%s\"%s%s (valid: %s)", path,
                   c->line, c->key, where[0] ? " in " : "", where, valid);
  }
  return TB_OK;
}

static const tb_json *need(const tb_json *obj, const char *key, tb_json_type type,
                           const char *path, const char *where, int *rc) {
  const tb_json *v = tb_json_get(obj, key);
  if (!v) {
    *rc = tb_fail(TB_ERR_MODEL, "%s: missing key \"%s%s%s\"", path, where, where[0] ? "." : "", key);
    return NULL;
  }
  if (v->type != type) {
    *rc = tb_fail(TB_ERR_MODEL, "%s: line %d: \"%s%s%s\" must be a %s, found a %s", path, v->line,
                  where, where[0] ? "." : "", key, tb_json_type_name(type), tb_json_type_name(v->type));
    return NULL;
  }
  return v;
}

static int need_int(const tb_json *obj, const char *key, int64_t lo, int64_t hi, int64_t *out,
                    const char *path, const char *where) {
  int rc = TB_OK;
  const tb_json *v = need(obj, key, TB_JSON_NUMBER, path, where, &rc);
  if (!v) return rc;
  if (tb_json_int64(v, out) || *out < lo || *out > hi)
    return tb_fail(TB_ERR_MODEL, "%s: line %d: \"%s%s%s\" is %s: must be an integer in %lld..%lld",
                   path, v->line, where, where[0] ? "." : "", key, v->text, (long long)lo,
                   (long long)hi);
  return TB_OK;
}

static int parse_geometry(const tb_json *root, tb_geometry *g, const char *path) {
  int rc = TB_OK;
  const tb_json *geo = need(root, "geometry", TB_JSON_OBJECT, path, "", &rc);
  if (!geo) return rc;
  if ((rc = only_keys(geo, geometry_keys, TB_ARRAY_LEN(geometry_keys), path, "geometry"))) return rc;
  for (int i = 0; i < TB_ARRAY_LEN(geometry_keys); i++) {
    int64_t v;
    if ((rc = need_int(geo, geometry_keys[i], 0, INT32_MAX, &v, path, "geometry"))) return rc;
    *geometry_field(g, i) = (int)v;
  }
  if (tb_geometry_validate(g) != TB_OK) {
    char why[512];   /* copied: tb_fail writes the buffer tb_error_message returns */
    snprintf(why, sizeof why, "%s", tb_error_message());
    return tb_fail(TB_ERR_MODEL, "%s: %s", path, why);
  }
  if (g->layers > TB_MAX_LAYERS)
    return tb_fail(TB_ERR_MODEL, "%s: geometry: layers=%d exceeds the engine's limit of %d",
                   path, g->layers, TB_MAX_LAYERS);
  return TB_OK;
}

static int parse_checksum(const tb_json *v, uint64_t *out, const char *path, const char *name) {
  const char *t = v->text;
  int ok = v->type == TB_JSON_STRING && strlen(t) == 16;
  for (int i = 0; ok && i < 16; i++)
    ok = (t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f');
  if (!ok)
    return tb_fail(TB_ERR_MODEL, "%s: line %d: \"files.%s.fnv1a64\" must be 16 lowercase hex "
                   "digits in a string", path, v->line, name);
  *out = strtoull(t, NULL, 16);
  return TB_OK;
}

/* m->files already holds the expected names and sizes (tb_manifest_init). */
static int parse_files(const tb_json *root, tb_manifest *m, const char *path) {
  int rc = TB_OK;
  const tb_json *files = need(root, "files", TB_JSON_OBJECT, path, "", &rc);
  if (!files) return rc;
  for (const tb_json *c = files->child; c; c = c->next) {
    int known = 0;
    for (int i = 0; i < m->file_count && !known; i++) known = strcmp(c->key, m->files[i].name) == 0;
    if (!known)
      return tb_fail(TB_ERR_MODEL, "%s: line %d: unexpected entry \"files.%s\" (a model with %d "
                     "layers has layer_00.bin … %s and %s)", path, c->line, c->key, m->g.layers,
                     m->files[m->g.layers - 1].name, TB_RESIDENT_FILE);
  }
  static const char *const file_keys[] = { "size", "fnv1a64" };
  for (int i = 0; i < m->file_count; i++) {
    tb_manifest_file *f = &m->files[i];
    char where[64];
    snprintf(where, sizeof where, "files.%s", f->name);
    const tb_json *entry = tb_json_get(files, f->name);
    if (!entry) return tb_fail(TB_ERR_MODEL, "%s: missing key \"%s\"", path, where);
    if (entry->type != TB_JSON_OBJECT)
      return tb_fail(TB_ERR_MODEL, "%s: line %d: \"%s\" must be an object", path, entry->line, where);
    if ((rc = only_keys(entry, file_keys, 2, path, where))) return rc;
    int64_t size;
    if ((rc = need_int(entry, "size", 0, INT64_MAX, &size, path, where))) return rc;
    if (size != f->size)
      return tb_fail(TB_ERR_MODEL, "%s: \"%s.size\" is %lld but the geometry gives %lld bytes",
                     path, where, (long long)size, (long long)f->size);
    const tb_json *sum = tb_json_get(entry, "fnv1a64");
    if (sum) {
      if ((rc = parse_checksum(sum, &f->checksum, path, f->name))) return rc;
      f->has_checksum = 1;
    }
  }
  return TB_OK;
}

static int parse_manifest(const tb_json *root, tb_manifest *m, const char *path) {
  static const char *const top_keys[] = {
    "format", "version", "preset", "source", "resident_synthetic", "seed", "bits", "geometry",
    "record_size", "files",
  };
  int rc = TB_OK;
  if (root->type != TB_JSON_OBJECT)
    return tb_fail(TB_ERR_MODEL, "%s: the manifest must be a JSON object, found a %s", path,
                   tb_json_type_name(root->type));
  const tb_json *v = need(root, "format", TB_JSON_STRING, path, "", &rc);
  if (!v) return rc;
  if (strcmp(v->text, TB_MANIFEST_FORMAT) != 0)
    return tb_fail(TB_ERR_MODEL, "%s: format is \"%s\", expected \"%s\"", path, v->text,
                   TB_MANIFEST_FORMAT);
  int64_t version;
  if ((rc = need_int(root, "version", 0, INT32_MAX, &version, path, ""))) return rc;
  if (version != TB_MANIFEST_VERSION)
    return tb_fail(TB_ERR_MODEL, "%s: version %lld is not supported (this engine reads version %d)",
                   path, (long long)version, TB_MANIFEST_VERSION);
  if ((rc = only_keys(root, top_keys, TB_ARRAY_LEN(top_keys), path, ""))) return rc;

  tb_geometry g;
  if ((rc = parse_geometry(root, &g, path))) return rc;
  if (!(v = need(root, "preset", TB_JSON_STRING, path, "", &rc))) return rc;
  char preset[64];
  if (strlen(v->text) >= sizeof preset)
    return tb_fail(TB_ERR_MODEL, "%s: \"preset\" longer than %zu characters", path, sizeof preset - 1);
  snprintf(preset, sizeof preset, "%s", v->text);
  if (!(v = need(root, "source", TB_JSON_STRING, path, "", &rc))) return rc;
  int imported = strcmp(v->text, "imported") == 0;
  if (!imported && strcmp(v->text, "generated") != 0)
    return tb_fail(TB_ERR_MODEL, "%s: \"source\" is \"%s\": must be \"generated\" or \"imported\"",
                   path, v->text);
  int rc2 = TB_OK;
  const tb_json *seed = need(root, "seed", TB_JSON_NUMBER, path, "", &rc2);
  if (!seed) return rc2;
  uint64_t seed_v;
  if (tb_json_uint64(seed, &seed_v))
    return tb_fail(TB_ERR_MODEL, "%s: \"seed\" is %s: must be an integer in 0..2^64-1", path, seed->text);

  tb_manifest_init(m, &g, seed_v, preset, imported);
  if (!(v = need(root, "resident_synthetic", TB_JSON_BOOL, path, "", &rc))) return rc;
  m->resident_synthetic = v->boolean;
  int64_t bits, record_size;
  if ((rc = need_int(root, "bits", 0, INT32_MAX, &bits, path, ""))) return rc;
  if (bits != g.bits)
    return tb_fail(TB_ERR_MODEL, "%s: \"bits\" is %lld but \"geometry.bits\" is %d: they must agree",
                   path, (long long)bits, g.bits);
  if ((rc = need_int(root, "record_size", 0, INT64_MAX, &record_size, path, ""))) return rc;
  if (record_size != m->record_size)
    return tb_fail(TB_ERR_MODEL, "%s: \"record_size\" is %lld but the geometry gives %lld bytes "
                   "(hidden=%d ffn=%d bits=%d group=%d)", path, (long long)record_size,
                   (long long)m->record_size, g.hidden, g.ffn, g.bits, g.group);
  return parse_files(root, m, path);
}

int tb_manifest_load(tb_manifest *m, const char *dir) {
  char path[4200];
  int rc = tb_path_join(path, sizeof path, dir, TB_MANIFEST_FILE);
  if (rc) return rc;
  char *text = NULL;
  size_t len = 0;
  if ((rc = slurp(path, dir, &text, &len))) return rc;
  tb_json *root;
  char err[256];
  if (tb_json_parse(text, len, &root, err, sizeof err)) {
    free(text);
    return tb_fail(TB_ERR_MODEL, "%s: %s", path, err);
  }
  free(text);
  rc = parse_manifest(root, m, path);
  tb_json_free(root);
  return rc;
}
