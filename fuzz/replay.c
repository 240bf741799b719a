/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzz target over every file of a corpus directory with the normal compiler,
 * so crashers found by libFuzzer stay fixed (run as a ctest entry per target).
 * Prints "N passed, 0 failed" when every input returned; a crash aborts the process.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (!f)
        return -1;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        (void)fclose(f);
        return -1;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        (void)fclose(f);
        return -1;
    }
    (void)fclose(f);
    (void)LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    DIR *d;
    struct dirent *e;
    char path[4096];
    int n = 0;

    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    d = opendir(argv[1]);
    if (!d) {
        (void)fprintf(stderr, "replay: cannot open '%s'\n", argv[1]);
        return 1;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        (void)snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
        if (replay_file(path)) {
            (void)fprintf(stderr, "replay: cannot read '%s'\n", path);
            closedir(d);
            return 1;
        }
        n++;
    }
    closedir(d);
    if (n == 0) {
        (void)fprintf(stderr, "replay: empty corpus '%s'\n", argv[1]);
        return 1;
    }
    printf("%d passed, 0 failed\n", n);
    return 0;
}
