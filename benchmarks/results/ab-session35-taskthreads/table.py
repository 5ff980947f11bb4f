import json,glob,sys
rows={}
for f in sorted(glob.glob(sys.argv[1]+'/*.json')):
    try: data=json.load(open(f))
    except Exception as e: print(f, 'unreadable'); continue
    tag=f.split('/')[-1][:-5]
    for r in data:
        b='.'.join(r['benchmark'].split('.')[-2:])
        impl=r['params']['impl']
        sc=r['primaryMetric']['score']; err=r['primaryMetric']['scoreError']
        alloc=r['secondaryMetrics'].get('gc.alloc.rate.norm',{}).get('score')
        rows.setdefault((b,impl),{})[tag]=(sc,err,alloc)
tags=sorted({t for v in rows.values() for t in v})
print('| benchmark | impl | '+' | '.join(tags)+' |')
print('|---|---|'+'---|'*len(tags))
for k in sorted(rows):
    print('| '+k[0]+' | '+k[1]+' | '+' | '.join('%.1f ± %.1f (%s B)'%(rows[k][t][0],rows[k][t][1],format(int(round(rows[k][t][2])),',') if rows[k][t][2] is not None else '-') if t in rows[k] else '-' for t in tags)+' |')
