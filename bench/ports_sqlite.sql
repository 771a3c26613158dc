-- A SQLite workload (bench/ports.sh): bulk inserts in one transaction, an index, an
-- aggregate, a join, a sort. ".timer on" prints each statement's run time.
.timer on
create table t(id integer primary key, k integer, v text);
begin;
with recursive c(i) as (select 1 union all select i + 1 from c where i < 300000)
insert into t(k, v) select (i * 7919) % 10007, printf('value %d', i) from c;
commit;
create index t_k on t(k);
select count(*), sum(k), max(length(v)) from t;
select k, count(*) from t group by k order by 2 desc, 1 limit 3;
select count(*) from t a join t b on a.id = b.k where a.k < 100;
select v from t order by v desc limit 1;
