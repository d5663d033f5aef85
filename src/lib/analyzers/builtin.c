/* builtin.c - the table of built-in analyzers, in the order they run. */
#include "analyzers/analyzers.h"

const customs_analyzer_def customs_builtin_analyzers[] = {
	{"os-release", "distribution from os-release and release files", customs__osrelease_new},
	{"rpm", "rpm packages from the rpmdb (SQLite, Berkeley DB, NDB)", customs__rpm_new},
	{"dpkg", "Debian packages from var/lib/dpkg (status, status.d, info, copyright)", customs__dpkg_new},
	{"apk", "Alpine packages from lib/apk/db/installed", customs__apk_new},
	{"python", "Python distributions (dist-info, egg-info) in site-/dist-packages", customs__python_new},
	{"npm", "npm packages: installed node_modules, Debian's nodejs dirs, package-lock, yarn.lock, pnpm-lock", customs__npm_new},
	{"go-binary", "Go modules and toolchain from the build info of Go executables", customs__gobin_new},
	{"rust", "Rust crates from Cargo.lock and cargo-auditable binaries (.dep-v0)", customs__rust_new},
	{"ruby", "Ruby gems: installed specifications/*.gemspec and Gemfile.lock", customs__ruby_new},
	{"php", "PHP Composer packages: vendor/composer/installed.json and composer.lock", customs__php_new},
	{"dotnet", ".NET NuGet packages from *.deps.json", customs__dotnet_new},
	{"java", "Java archives (jar, war, ear, ...; nested ones too): pom.properties, MANIFEST.MF, file name", customs__java_new},
	{NULL, NULL, NULL},
};
