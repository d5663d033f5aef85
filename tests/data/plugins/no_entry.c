/* no_entry.c - a shared object without customs_analyzers(): not an
 * analyzer plugin (tests/cli/plugins_so.sh). */
int customs_something_else(void);
__attribute__((visibility("default"))) int customs_something_else(void)
{
	return 1;
}
