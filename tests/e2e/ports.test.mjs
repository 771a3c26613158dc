// The full image's ports run their usual work (ports/build.sh --full builds the image;
// scripts/test.sh runs tests/ports/run.sh, which builds it, before these tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from './helpers.mjs';

const sh = (script, options) => run(['sh', '--image', 'full', '-c', script], options);

test('lua runs a script: tables, strings, closures, coroutines, files', async () => {
  const r = await sh(`cat > /tmp/t.lua <<'END'
local squares = {}
for i = 1, 10 do squares[#squares + 1] = i * i end
local function counter() local n = 0; return function() n = n + 1; return n end end
local c = counter(); c(); c()
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
local f = assert(io.open("/tmp/out.txt", "w")); f:write("written\\n"); f:close()
print(table.concat(squares, ","), c(), co(1), co(21), io.open("/tmp/out.txt"):read("l"))
print(string.format("%5.2f|%s|%d", math.pi, ("abc"):rep(2):upper(), #arg))
END
lua /tmp/t.lua x y`);
  assert.equal(r.stdout.toString(), '1,4,9,16,25,36,49,64,81,100\t3\t2\t42\twritten\n 3.14|ABCABC|2\n');
  assert.equal(r.code, 0);
});

test('lua reports a runtime error with its traceback and exit status 1', async () => {
  const r = await sh(`lua -e 'local t = nil; print(t.x)'`);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /attempt to index a nil value/);
});

test('sqlite3 keeps a database in a file across runs, with transactions, joins and JSON', async () => {
  const r = await sh(`cd /tmp && sqlite3 db.sqlite "create table p(id integer primary key, name text);
create table o(pid int, n int); begin; insert into p(name) values ('ann'),('bob'); insert into o values (1,3),(1,4),(2,5); commit;" &&
sqlite3 db.sqlite "select p.name, sum(o.n) from p join o on o.pid = p.id group by p.name order by 1;
select json_object('n', count(*)) from o; pragma integrity_check;"`);
  assert.equal(r.stdout.toString(), 'ann|7\nbob|5\n{"n":3}\nok\n');
  assert.equal(r.code, 0);
});

test('sqlite3 names an error in SQL and exits non-zero', async () => {
  const r = await sh(`echo 'select * from missing;' | sqlite3 /tmp/x.db`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no such table: missing/);
});

test('GNU gzip (over busybox\'s applet) compresses, lists and restores a file', async () => {
  const r = await sh(`cd /tmp && seq 1 20000 > n.txt && gzip -9 -k n.txt && gzip -l n.txt.gz | tail -n 1 | awk '{print $4}' &&
rm n.txt && gzip -d n.txt.gz && wc -l < n.txt && gzip --version | head -n 1`);
  assert.equal(r.stdout.toString(), 'n.txt\n20000\ngzip 1.12\n');
  assert.equal(r.code, 0);
});

test('bash runs a pipeline and goes on after it (the fork that once ended it silently)', async () => {
  const r = await sh(`bash -c 'echo a | cat; echo after; x=$(echo sub | tr a-z A-Z); echo "$x"; (exit 3); echo $?'`);
  assert.equal(r.stdout.toString(), 'a\nafter\nSUB\n3\n');
  assert.equal(r.code, 0);
});

test('bash job control in a script: background jobs, jobs, kill %N, wait, fg of a stopped job', async () => {
  const r = await sh(`cat > /tmp/jobs.bash <<'END'
set -m
sleep 30 &
first=$!
sleep 0.1 & wait %2
echo "second: $?"
jobs
kill %1
wait $first
echo "killed: $?"
sleep 30 &
second=$!
kill -STOP %1
sleep 0.2
jobs -l | sed 's/ *[0-9][0-9]* / PID /'
kill -CONT %1; kill %1; wait $second
echo "stopped then killed: $?"
true & wait $!
echo "last: $? jobs left: $(jobs | wc -l)"
END
bash /tmp/jobs.bash`);
  assert.equal(r.stdout.toString(), 'second: 0\n[1]+  Running                 sleep 30 &\nkilled: 143\n' +
    '[1]+ PID Stopped (signal)        sleep 30\nstopped then killed: 143\nlast: 0 jobs left: 0\n');
  assert.equal(r.code, 0);
});

test('bash has arrays, associative arrays, [[ ]], process substitution and here-strings', async () => {
  const r = await sh(`bash -c 'a=(x y z); declare -A m=([k]=v); [[ \${a[1]} == y && -n \${m[k]} ]] && echo ok;
read -r w rest <<< "here string"; echo "$w"; cat <(echo from-procsub); echo \${#a[@]} \${a[@]:1}'`);
  assert.equal(r.stdout.toString(), 'ok\nhere\nfrom-procsub\n3 y z\n');
  assert.equal(r.code, 0);
});

test('the GNU tools of the full image work together: find, xargs, grep, sed, gawk, sort, diff, tar, make', async () => {
  const r = await sh(`mkdir -p /tmp/w/src && cd /tmp/w && printf 'alpha\\nbeta\\ngamma\\n' > src/a.txt && printf 'beta\\ndelta\\n' > src/b.txt &&
find src -name '*.txt' -type f | sort | xargs grep -c a &&
cat src/*.txt | sed 's/a/A/g' | sort -u | gawk '{ n += length($0) } END { print NR, n }' &&
{ diff src/a.txt src/b.txt; echo "diff: $?"; } &&
tar -czf s.tgz src && mkdir x && tar -xzf s.tgz -C x && cmp src/a.txt x/src/a.txt && echo same &&
printf 'all: out\\nout: src/a.txt\\n\\tgrep -v beta src/a.txt > out\\n' > Makefile && make -s && cat out && make && ls --version | head -n 1`);
  assert.equal(r.stdout.toString(), 'src/a.txt:3\nsrc/b.txt:2\n4 19\n1d0\n< alpha\n3c2\n< gamma\n---\n> delta\ndiff: 1\nsame\nalpha\ngamma\nmake: Nothing to be done for \'all\'.\nls (GNU coreutils) 9.1\n');
  assert.equal(r.code, 0);
});

test('python3 runs a program: classes, generators, the standard library, files, exceptions', async () => {
  const r = await sh(`cat > /tmp/t.py <<'END'
import json, re, collections, itertools, sqlite3, zlib, hashlib, datetime, decimal, sys
class P:
    def __init__(self, n): self.n = n
    def __repr__(self): return f"P({self.n})"
squares = [i * i for i in range(10) if i % 2]
words = collections.Counter(re.findall(r"\\w+", "a b a c b a"))
db = sqlite3.connect(":memory:"); db.execute("create table t(x)"); db.executemany("insert into t values (?)", [(1,), (2,)])
with open("/tmp/o.txt", "w") as f: f.write("written")
try:
    1 / 0
except ZeroDivisionError as e:
    err = type(e).__name__
print(squares, words.most_common(1), [P(i) for i in itertools.islice(itertools.count(5), 2)])
print(json.dumps({"sum": db.execute("select sum(x) from t").fetchone()[0]}), len(zlib.compress(b"x" * 1000)) < 50,
      hashlib.sha256(b"abc").hexdigest()[:8], datetime.date(2026, 12, 5).isoformat(), decimal.Decimal("1.10") + 1,
      open("/tmp/o.txt").read(), err, sys.argv[1:])
END
python3 /tmp/t.py x`);
  assert.equal(r.stdout.toString(), "[1, 9, 25, 49, 81] [('a', 3)] [P(5), P(6)]\n{\"sum\": 3} True ba7816bf 2026-12-05 2.10 written ZeroDivisionError ['x']\n");
  assert.equal(r.code, 0);
});
