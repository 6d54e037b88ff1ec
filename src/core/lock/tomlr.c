/* TOML reading helpers over tomlc17 (see tomlr.h). */
#include "util/common.h"

#include <limits.h>

#include "core/lock/tomlr.h"
#include "util/buf.h"
#include "util/error.h"

int tomlr_parse(const char *text, size_t len, const char *file, toml_result_t *out)
{
	static bool configured;
	if (!configured) {
		toml_option_t o = toml_default_option();
		o.check_utf8 = true;
		toml_set_option(o);
		configured = true;
	}
	if (len > TOMLR_MAX_SIZE || len > INT_MAX)
		return error("cannot parse '%s': larger than %u bytes", file, TOMLR_MAX_SIZE);
	if (memchr(text, '\0', len))
		return error("cannot parse '%s': it contains a NUL byte", file);
	*out = toml_parse(text, (int)len);
	if (!out->ok) {
		error("cannot parse '%s': %s", file, out->errmsg);
		toml_free(*out);
		return -1;
	}
	return 0;
}

int tomlr_error(const char *file, toml_datum_t d, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (d.lineno > 0)
		error("'%s' line %d: %s", file, d.lineno, b.ptr);
	else
		error("'%s': %s", file, b.ptr);
	buf_free(&b);
	return -1;
}

static const char *type_name(toml_type_t t)
{
	switch (t) {
	case TOML_STRING: return "a string";
	case TOML_INT64: return "an integer";
	case TOML_FP64: return "a float";
	case TOML_BOOLEAN: return "a boolean";
	case TOML_DATE: return "a date";
	case TOML_TIME: return "a time";
	case TOML_DATETIME:
	case TOML_DATETIMETZ: return "a date-time";
	case TOML_ARRAY: return "an array";
	case TOML_TABLE: return "a table";
	default: return "nothing";
	}
}

/* The value of key, checked against type (two accepted when alt != 0). */
static int get(const char *file, toml_datum_t t, const char *key, toml_type_t type,
	       toml_type_t alt, const char *want, toml_datum_t *out)
{
	*out = (toml_datum_t){ .type = TOML_UNKNOWN };
	if (t.type != TOML_TABLE)
		return 0;
	toml_datum_t v = toml_get(t, key);
	if (v.type == TOML_UNKNOWN)
		return 0;
	if (v.type != type && (!alt || v.type != alt))
		return tomlr_error(file, v, "'%s' must be %s, not %s", key, want, type_name(v.type));
	*out = v;
	return 0;
}

int tomlr_str(const char *file, toml_datum_t t, const char *key, bool required, char **out)
{
	toml_datum_t v;
	if (get(file, t, key, TOML_STRING, 0, "a string", &v) < 0)
		return -1;
	if (v.type == TOML_UNKNOWN)
		return required ? tomlr_error(file, t, "'%s' is missing", key) : 0;
	free(*out);
	*out = xstrdup(v.u.s);
	return 0;
}

int tomlr_strs(const char *file, toml_datum_t t, const char *key, struct strvec *out)
{
	toml_datum_t v;
	if (get(file, t, key, TOML_ARRAY, 0, "an array of strings", &v) < 0)
		return -1;
	for (int i = 0; v.type == TOML_ARRAY && i < v.u.arr.size; i++) {
		toml_datum_t e = v.u.arr.elem[i];
		if (e.type != TOML_STRING)
			return tomlr_error(file, e, "'%s' must be an array of strings, not of %s", key,
					   type_name(e.type));
		strvec_push(out, e.u.s);
	}
	return 0;
}

int tomlr_int(const char *file, toml_datum_t t, const char *key, long long *out)
{
	toml_datum_t v;
	if (get(file, t, key, TOML_INT64, 0, "an integer", &v) < 0)
		return -1;
	if (v.type != TOML_UNKNOWN)
		*out = v.u.int64;
	return 0;
}

int tomlr_bool(const char *file, toml_datum_t t, const char *key, bool *out)
{
	toml_datum_t v;
	if (get(file, t, key, TOML_BOOLEAN, 0, "a boolean", &v) < 0)
		return -1;
	if (v.type != TOML_UNKNOWN)
		*out = v.u.boolean;
	return 0;
}

int tomlr_table(const char *file, toml_datum_t t, const char *key, toml_datum_t *out)
{
	return get(file, t, key, TOML_TABLE, 0, "a table", out);
}

int tomlr_array(const char *file, toml_datum_t t, const char *key, toml_datum_t *out)
{
	return get(file, t, key, TOML_ARRAY, 0, "an array", out);
}

int tomlr_datetime(const char *file, toml_datum_t t, const char *key, char **out)
{
	toml_datum_t v;
	if (get(file, t, key, TOML_DATETIMETZ, TOML_DATETIME, "a date-time", &v) < 0)
		return -1;
	if (v.type == TOML_UNKNOWN)
		return 0;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%04d-%02d-%02dT%02d:%02d:%02d", v.u.ts.year, v.u.ts.month, v.u.ts.day,
		 v.u.ts.hour, v.u.ts.minute, v.u.ts.second);
	if (v.u.ts.usec) {
		buf_addf(&b, ".%06d", (int)v.u.ts.usec);
		buf_rtrim(&b, "0");
	}
	if (v.type == TOML_DATETIMETZ) {
		int tz = v.u.ts.tz;
		if (!tz)
			buf_addch(&b, 'Z');
		else
			buf_addf(&b, "%c%02d:%02d", tz < 0 ? '-' : '+', abs(tz) / 60, abs(tz) % 60);
	}
	free(*out);
	*out = buf_detach(&b);
	return 0;
}
