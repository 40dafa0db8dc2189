/* snapshot_write.c - placeholder: snapshot to JSON (being written) */
#include "snapshot.h"
#include "util.h"
char *snapshot_to_json(const struct snapshot *s) { (void)s; return xstrdup("{}"); }
int snapshot_write_file(const struct snapshot *s, const char *path, char **err)
{
	(void)s;
	*err = xstrfmt("%s: snapshot writing not available yet", path);
	return -1;
}
