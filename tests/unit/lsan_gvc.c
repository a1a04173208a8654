/*
 * lsan_gvc.c - what libgvc and the libraries under it keep for the life
 * of the process, told to LeakSanitizer (as tests/e2e/lsan.supp tells it
 * for the e2e tests), for the unit tests that draw.
 */

const char	*__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\nleak:libgvplugin_\nleak:libcgraph.so\n"
	    "leak:libcdt.so\nleak:libpathplan.so\nleak:libfontconfig.so\n"
	    "leak:libpango\nleak:libcairo.so\nleak:libglib-2.0.so\n"
	    "leak:libgobject-2.0.so\nleak:libharfbuzz.so\n"
	    "leak:libfreetype.so\nleak:libgts\n";
}
