# Prints each row's scores per variant and round, and fair ÷ base of the means: python3 ab.py
import json,glob,collections
rows=collections.defaultdict(dict)
for f in sorted(glob.glob('out-*.json')):
    v,r=f.split('out-')[1][:-5].split('-')
    for b in json.load(open(f)):
        p=b.get('params',{})
        key=b['benchmark'].split('.')[-2]+'.'+b['benchmark'].split('.')[-1]+' '+','.join(f'{k}={p[k]}' for k in ('impl','writerPauseMicros') if k in p)
        rows[key][f'{v}{r}']=b['primaryMetric']['score']
        for sm,val in b.get('secondaryMetrics',{}).items():
            rows[key+' ['+sm+']'][f'{v}{r}']=val['score']
for k,d in rows.items():
    b=[d[x] for x in d if x.startswith('base')]; fa=[d[x] for x in d if x.startswith('fair')]
    if b and fa:
        print(f"{k:70s} base {' '.join('%.2f'%x for x in b):20s} fair {' '.join('%.2f'%x for x in fa):20s} fair/base {sum(fa)/len(fa)/(sum(b)/len(b)):.2f}")
