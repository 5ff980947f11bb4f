# Prints each row's scores per variant and round, and each variant's mean over base's: python3 ab.py
import json, glob, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob('out-*.json')):
    v, r = f.split('out-')[1][:-5].split('-')
    for b in json.load(open(f)):
        p = b.get('params', {})
        key = b['benchmark'].split('.')[-1] + ' ' + ','.join(
            f'{k}={p[k]}' for k in ('reader', 'writerPauseMicros') if k in p)
        rows[key][v].append(b['primaryMetric']['score'])
        for sm, val in b.get('secondaryMetrics', {}).items():
            if sm in ('writes', '·gc.alloc.rate.norm'):
                rows[key + ' [' + sm + ']'][v].append(val['score'])
variants = ['base', 'nospin', 'spin', 'park']
for k, d in rows.items():
    base = sum(d['base']) / len(d['base']) if d['base'] else None
    cells = []
    for v in variants:
        xs = d.get(v, [])
        if not xs:
            continue
        m = sum(xs) / len(xs)
        ratio = f' ({m / base:.2f})' if base and v != 'base' else ''
        cells.append(f"{v} {' '.join('%.1f' % x for x in xs)}{ratio}")
    print(f'{k:60s} ' + ' | '.join(cells))
