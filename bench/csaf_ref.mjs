// SPDX-License-Identifier: MIT
// The reference for bench/csaf.sh: @secvisogram/csaf-validator-lib (BSI/Secvisogram, MIT), run
// with its CSAF 2.0 schema test (csaf_2_0, the official schema with the FIRST CVSS schemas)
// and every mandatory test (6.1.x) exported by mandatoryTests.js — the same checks as
// `hikeshi advisory validate`. Usage: node csaf_ref.mjs LIBDIR ROUNDS FILE...
// Reads, parses and validates every file ROUNDS times; prints one JSON line per file (first
// round) {"file","valid","tests":[IDs of the failed tests]} on stdout, and on stderr the CPU
// time (user+system, process.cpuUsage) of the validation rounds and of the whole process.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [libDir, roundsArg, ...files] = process.argv.slice(2);
const imp = (f) => import(pathToFileURL(path.join(libDir, f)).href);
const { default: validate } = await imp('validate.js');
const { csaf_2_0 } = await imp('schemaTests.js');
const mandatory = await imp('mandatoryTests.js');
const tests = [csaf_2_0, ...Object.values(mandatory)];
const id = (name) =>
    name === 'csaf_2_0' ? 'schema' : name.replace(/^mandatoryTest_/, '').replace(/_/g, '.');

const rounds = Number(roundsArg) || 1;
const t0 = process.cpuUsage();
const out = [];
for (let r = 0; r < rounds; r++) {
    for (const f of files) {
        let res;
        try {
            res = await validate(tests, JSON.parse(fs.readFileSync(f, 'utf8')));
        } catch (e) {
            res = { isValid: false, tests: [{ name: 'json', isValid: false }] };
        }
        if (r === 0)
            out.push(JSON.stringify({ file: f, valid: res.isValid,
                tests: res.tests.filter((t) => !t.isValid).map((t) => id(t.name)) }));
    }
}
const t1 = process.cpuUsage(t0);
const all = process.cpuUsage();
process.stdout.write(out.join('\n') + '\n');
process.stderr.write(`validation_cpu_s ${((t1.user + t1.system) / 1e6).toFixed(3)} ` +
    `process_cpu_s ${((all.user + all.system) / 1e6).toFixed(3)}\n`);
