-- A CPU-bound Lua workload (bench/ports.sh): recursion, tables, strings, sorting. Prints
-- "name seconds s" lines, timed with os.clock (the process's CPU time), so start-up and
-- the host's boot are not in them.
local function timed(name, f)
  local t0 = os.clock()
  f()
  print(string.format("%s %.3f s", name, os.clock() - t0))
end
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
timed("lua_fib", function() assert(fib(30) == 832040) end)
timed("lua_tables", function()
  local t = {}
  for i = 1, 2000000 do t[i] = i * 2 end
  local s = 0
  for _, v in ipairs(t) do s = s + v end
  assert(s == 2000000 * 2000001)
end)
timed("lua_strings", function()
  local parts = {}
  for i = 1, 300000 do parts[#parts + 1] = string.format("%d:%s", i, ("x"):rep(i % 7)) end
  local joined = table.concat(parts, ",")
  local n = 0
  for _ in joined:gmatch("%d+:x+") do n = n + 1 end
  assert(n > 0)
end)
timed("lua_sort", function()
  local t = {}
  local x = 12345
  for i = 1, 500000 do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x end
  table.sort(t)
  for i = 2, #t do assert(t[i - 1] <= t[i]) end
end)
