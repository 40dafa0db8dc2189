/*
 * fuzz_config.c - libFuzzer target for the configuration reader (inih fed
 * whole lines by core/config.c): load, look every tenant's keys up, release.
 */
#include "core/config.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *err = NULL;
	if (config_load(fuzz_file(".ini", data, size), &cfg, &err) == 0) {
		for (size_t i = 0; i < cfg.nr_tenants; i++) {
			(void)tenant_get(&cfg, &cfg.tenants[i], "provider");
			(void)tenant_get(&cfg, &cfg.tenants[i], "graph_url");
		}
		config_release(&cfg);
	}
	free(err);
	return 0;
}
