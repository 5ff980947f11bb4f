# Medians and rounds won of two jars (old and one other) per benchmark, impl and chunk: python3 summary.py TAG PRE
import json,glob,sys,statistics
tag=sys.argv[1]; pre=sys.argv[2]
rows={}
for f in sorted(glob.glob(f'{pre}-*-{tag}-*.json')):
    _,jar,_,rnd=f[:-5].split('-')
    try: data=json.load(open(f))
    except Exception: continue
    for r in data:
        p=r['params']; k=(r['benchmark'].split('.')[-1],p['impl'][:5],p['chunk'])
        rows.setdefault(k,{}).setdefault(jar,{})[int(rnd)]=r['primaryMetric']['score']
for k,v in sorted(rows.items()):
    jars=sorted(v)
    line=' '.join(f"{j}: "+','.join(f"{v[j][r]:.1f}" for r in sorted(v[j])) for j in jars)
    if 'old' in v and len(jars)==2:
        o=[j for j in jars if j!='old'][0]
        wins=sum(1 for r in v['old'] if r in v[o] and v[o][r]<v['old'][r])
        line+=f"  | median {o} {statistics.median(v[o].values()):.1f} old {statistics.median(v['old'].values()):.1f}; {o} faster in {wins}/{len(v['old'])}"
    print(k,line)
