import json,glob,sys,statistics
tag=sys.argv[1]; pre=sys.argv[2] if len(sys.argv)>2 else 's'
rows={}
for f in sorted(glob.glob(f'{pre}-*-{tag}-*.json')):
    _,jar,_,rnd=f[:-5].split('-')
    for r in json.load(open(f)):
        p=r['params']; k=(p['impl'][:5],p['chunk'])
        rows.setdefault(k,{}).setdefault(jar,{})[int(rnd)]=r['primaryMetric']['score']
for k,v in sorted(rows.items()):
    jars=sorted(v)
    line=' '.join(f"{j}: "+','.join(f"{v[j][r]:.0f}" for r in sorted(v[j])) for j in jars)
    if 'old' in v and len(jars)==2:
        other=[j for j in jars if j!='old'][0]
        wins=sum(1 for r in v['old'] if r in v[other] and v[other][r]<v['old'][r])
        line+=f"  | median {other} {statistics.median(v[other].values()):.1f} old {statistics.median(v['old'].values()):.1f}; {other} faster in {wins}/{len(v['old'])} rounds"
    print(k,line)
