/* snapshot_read.c - placeholder: JSON to snapshot (being written) */
#include "snapshot.h"
#include "util.h"
int snapshot_read_file(const char *path, struct snapshot **out, char **err)
{
	*out = NULL;
	*err = xstrfmt("%s: snapshot reading not available yet", path);
	return -1;
}
int snapshot_parse(const char *name, const char *buf, size_t len, struct snapshot **out, char **err)
{
	(void)buf; (void)len;
	return snapshot_read_file(name, out, err);
}
