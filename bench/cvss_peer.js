// SPDX-License-Identifier: MIT
// The peer for bench/cvss.sh: the npm package ae-cvss-calculator ({metaeffekt}, Apache-2.0;
// CVSS 2.0, 3.0, 3.1 and 4.0). `node cvss_peer.js print FILE` prints, per vector, the scores
// in cvss_bench's format (for the differential check); `node cvss_peer.js bench FILE N`
// parses and scores the vectors round-robin until N are done, five rounds, and prints the
// best round's vectors per second. The package is found through NODE_PATH.
'use strict';
const fs = require('fs');
const cvss = require('ae-cvss-calculator');

const [mode, file, nArg] = process.argv.slice(2);
const vectors = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const fmt = (x) => (x === undefined || x === null ? '-' : x.toFixed(1));

if (mode === 'print') {
    const out = [];
    for (const v of vectors) {
        let s;
        try {
            s = cvss.fromVector(v).calculateScores();
        } catch (e) {
            out.push(v + '\terror');
            continue;
        }
        const v4 = v.startsWith('CVSS:4.0/');
        out.push([v, fmt(v4 ? s.baseMetricsOnly : s.base), fmt(v4 ? s.threat : s.temporal),
            fmt(s.environmental), fmt(s.overall)].join('\t'));
    }
    process.stdout.write(out.join('\n') + '\n');
} else {
    const total = parseInt(nArg || '1000000', 10);
    let best = Infinity;
    let check = 0;
    for (let r = 0; r < 5; r++) {
        const t0 = process.hrtime.bigint();
        for (let k = 0, j = 0; k < total; k++) {
            check += cvss.fromVector(vectors[j]).calculateScores().overall;
            if (++j === vectors.length) j = 0;
        }
        const dt = Number(process.hrtime.bigint() - t0);
        if (dt < best) best = dt;
    }
    console.log(`vectors ${total} (${vectors.length} distinct), best of 5 rounds: ` +
        `${Math.round(total / (best / 1e9))} vectors/s, ${(best / total).toFixed(1)} ns/vector ` +
        `(checksum ${check.toFixed(1)})`);
}
