// C++ on wasmux: iostream, strings and containers, static constructors, RTTI, exceptions
// (across frames, by base class, catch(...), from a thread through std::exception_ptr),
// std::thread with mutex, lock_guard and condition_variable, thread_local destructors, and
// setjmp/longjmp next to exceptions. The output is deterministic: tests/e2e/cxx.test.mjs
// compares it with the same program built natively by g++.
#include <atomic>
#include <condition_variable>
#include <csetjmp>
#include <deque>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

// ---- static constructors ----
static std::vector<std::string>& init_log() {
  static std::vector<std::string> log;
  return log;
}
struct Registrar {
  explicit Registrar(const char* name) { init_log().push_back(name); }
};
static Registrar first_registrar("first");
static Registrar second_registrar("second");
static const int computed_at_startup = [] { return 6 * 7; }();

// ---- a virtual class hierarchy ----
struct Shape {
  virtual ~Shape() = default;
  virtual std::string name() const = 0;
  virtual double area() const = 0;
};
struct Rect : Shape {
  double w, h;
  Rect(double w, double h) : w(w), h(h) {}
  std::string name() const override { return "rect"; }
  double area() const override { return w * h; }
};
struct Square final : Rect {
  explicit Square(double s) : Rect(s, s) {}
  std::string name() const override { return "square"; }
};
struct Circle : Shape {
  double r;
  explicit Circle(double r) : r(r) {}
  std::string name() const override { return "circle"; }
  double area() const override { return 3 * r * r; }  // integers keep the output exact
};

// ---- exceptions three frames deep, with destructors run on the way ----
struct AppError : std::runtime_error {
  int code;
  AppError(const std::string& what, int code) : std::runtime_error(what), code(code) {}
};
static std::vector<std::string> unwound;
struct Guard {
  std::string name;
  explicit Guard(std::string n) : name(std::move(n)) {}
  ~Guard() { unwound.push_back(name); }
};
[[gnu::noinline]] static void level3(int x) {
  Guard g("level3");
  if (x > 2) throw AppError("too deep: " + std::to_string(x), x);
}
[[gnu::noinline]] static void level2(int x) {
  Guard g("level2");
  level3(x + 1);
}
[[gnu::noinline]] static void level1(int x) {
  Guard g("level1");
  level2(x + 1);
}

// ---- setjmp/longjmp in the same program ----
static std::jmp_buf jump_buffer;
[[gnu::noinline]] static void jump_back(int value) { std::longjmp(jump_buffer, value); }
[[gnu::noinline]] static int try_jump() {
  volatile int rounds = 0;
  if (setjmp(jump_buffer) < 3) {
    rounds = rounds + 1;
    jump_back(rounds);
  }
  return rounds;
}

// ---- threads ----
static std::atomic<int> tls_destroyed{0};
struct PerThread {
  int uses = 0;
  ~PerThread() { tls_destroyed.fetch_add(1); }
};
static thread_local PerThread per_thread;

int main() {
  std::cout << "static constructors:";
  for (const auto& s : init_log()) std::cout << ' ' << s;
  std::cout << ", computed " << computed_at_startup << '\n';

  // strings, vectors, maps, streams
  std::map<std::string, int> words;
  std::istringstream text("the quick brown fox jumps over the lazy dog the end");
  for (std::string w; text >> w;) ++words[w];
  std::cout << "words:";
  for (const auto& [w, n] : words) std::cout << ' ' << w << '=' << n;
  std::cout << '\n';
  std::vector<int> squares(10);
  std::iota(squares.begin(), squares.end(), 1);
  for (auto& v : squares) v *= v;
  std::cout << "sum of squares 1..10: " << std::accumulate(squares.begin(), squares.end(), 0) << '\n';

  // RTTI
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Rect>(2, 3));
  shapes.push_back(std::make_unique<Square>(4));
  shapes.push_back(std::make_unique<Circle>(1));
  for (const auto& s : shapes) {
    const Shape& ref = *s;
    std::cout << s->name() << ": area " << s->area() << ", typeid " << typeid(ref).name()
              << ", is a Rect: " << (dynamic_cast<const Rect*>(s.get()) ? "yes" : "no")
              << ", is a Square: " << (typeid(ref) == typeid(Square) ? "yes" : "no") << '\n';
  }
  try {
    const Shape& circle = *shapes[2];
    (void)dynamic_cast<const Rect&>(circle);
    std::cout << "no bad_cast\n";
  } catch (const std::bad_cast&) {
    std::cout << "dynamic_cast to a reference threw bad_cast\n";
  }

  // exceptions
  try {
    level1(1);
  } catch (const std::exception& e) {
    const auto* app = dynamic_cast<const AppError*>(&e);
    std::cout << "caught by base class: " << e.what() << ", code " << (app ? app->code : -1)
              << ", unwound";
    for (const auto& n : unwound) std::cout << ' ' << n;
    std::cout << '\n';
  }
  try {
    throw 42;
  } catch (...) {
    try {
      throw;
    } catch (int v) {
      std::cout << "caught by catch(...), rethrown and caught as int " << v << '\n';
    }
  }
  try {
    std::vector<int> v(3);
    (void)v.at(7);
  } catch (const std::out_of_range&) {
    std::cout << "vector::at threw out_of_range\n";
  }
  std::cout << "longjmp rounds: " << try_jump() << '\n';

  // an exception thrown in a thread, carried to main by std::exception_ptr
  std::exception_ptr from_thread;
  std::thread thrower([&] {
    try {
      level1(5);
    } catch (...) {
      from_thread = std::current_exception();
    }
  });
  thrower.join();
  try {
    if (from_thread) std::rethrow_exception(from_thread);
  } catch (const AppError& e) {
    std::cout << "rethrown from a thread: " << e.what() << ", code " << e.code << '\n';
  }

  // four threads: a mutex-protected counter, and a queue fed through a condition variable
  constexpr int workers = 4, per_worker = 1000, items = 200;
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<int> queue;
  bool done = false;
  long counter = 0, consumed_sum = 0;
  std::vector<int> consumed_by(workers, 0);
  std::vector<std::thread> threads;
  for (int id = 0; id < workers; ++id) {
    threads.emplace_back([&, id] {
      for (int i = 0; i < per_worker; ++i) {
        std::lock_guard<std::mutex> lock(mutex);
        ++counter;
        ++per_thread.uses;
      }
      for (;;) {
        std::unique_lock<std::mutex> lock(mutex);
        ready.wait(lock, [&] { return done || !queue.empty(); });
        if (queue.empty()) return;
        consumed_sum += queue.front();
        queue.pop_front();
        ++consumed_by[id];
      }
    });
  }
  for (int i = 1; i <= items; ++i) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      queue.push_back(i);
    }
    ready.notify_one();
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  ready.notify_all();
  for (auto& t : threads) t.join();
  int consumed = std::accumulate(consumed_by.begin(), consumed_by.end(), 0);
  std::cout << "threads: counter " << counter << ", consumed " << consumed << " items summing to "
            << consumed_sum << ", thread_local destructors " << tls_destroyed.load() << '\n';
  std::cout << "done\n";
  return 0;
}
