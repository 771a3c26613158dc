// Host networking's kernel half (kernel/net/host_net.h), driven as the host's network
// service drives it (host/src/node/net_worker.ts): a guest's connection out through a
// link, its refusal, and a connection in from the host.
#include <thread>

#include "../../kernel/net/host_net.h"
#include "../../kernel/net/inet_socket.h"
#include "kernel_fixture.h"

namespace wasmux::test {
namespace {

class HostNetTest : public KernelTest {
protected:
  void SetUp() override {
    KernelTest::SetUp();
    LockGuard lock;
    HostNet::the().set_enabled(true);
  }
  void TearDown() override {
    {
      LockGuard lock;
      HostNet::the().set_enabled(false);
    }
    KernelTest::TearDown();
  }
  // The service's next piece of work: the link and its bits (none: null).
  std::pair<RefPtr<HostLink>, u32> next() {
    LockGuard lock;
    RefPtr<HostLink> l = HostNet::the().next_work();
    u32 work = l ? l->take_work() : 0;
    return {l, work};
  }
  UserAddr sockaddr(u8 a, u8 b, u8 c, u8 d, u16 port) {
    abi::SockaddrIn sin{};
    sin.sin_family = abi::af_inet;
    sin.sin_port = static_cast<u16>(port << 8 | port >> 8);
    u8 ip[4] = {a, b, c, d};
    memcpy(&sin.sin_addr, ip, 4);
    return p().put(sin);
  }
  i64 tcp_socket(u32 flags = 0) { return sys(nr::socket, abi::af_inet, abi::sock_stream | flags, 0); }
  i16 poll_one(i64 fd, i16 events) {
    UserAddr a = p().put(abi::Pollfd{static_cast<i32>(fd), events, 0});
    EXPECT_GE(sys(nr::ppoll, a, 1, p().put(abi::Timespec{0, 0, 0}), 0, 0), 0);
    return p().get<abi::Pollfd>(a).revents;
  }
};

TEST_F(HostNetTest, ANonBlockingConnectGoesOutThroughALinkAndCarriesBytesBothWays) {
  i64 fd = tcp_socket(abi::sock_nonblock);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(sys(nr::connect, fd, sockaddr(10, 0, 2, 2, 8000), sizeof(abi::SockaddrIn)), err(Errno::einprogress));
  EXPECT_EQ(sys(nr::connect, fd, sockaddr(10, 0, 2, 2, 8000), sizeof(abi::SockaddrIn)), err(Errno::ealready));
  EXPECT_EQ(poll_one(fd, abi::pollout), 0); // connecting
  auto [link, work] = next();
  ASSERT_TRUE(link);
  EXPECT_EQ(work, HostLink::want_connect);
  EXPECT_EQ(link->remote().port, 8000);
  EXPECT_EQ(link->remote().ip[12], 10);
  {
    LockGuard lock;
    link->owner()->host_connected();
  }
  EXPECT_EQ(poll_one(fd, abi::pollout), abi::pollout);
  EXPECT_EQ(sys(nr::connect, fd, sockaddr(10, 0, 2, 2, 8000), sizeof(abi::SockaddrIn)), 0);
  // The guest's address on the host's network, an ephemeral port.
  UserAddr name = p().alloc(16), len = p().put(i32{16});
  ASSERT_EQ(sys(nr::getsockname, fd, name, len), 0);
  auto sin = p().get<abi::SockaddrIn>(name);
  u8 local[4];
  memcpy(local, &sin.sin_addr, 4);
  EXPECT_EQ(local[0], 10);
  EXPECT_EQ(local[3], 15);
  // Guest to host.
  ASSERT_EQ(p().write(static_cast<i32>(fd), "hello"), 5);
  auto [same, output] = next();
  EXPECT_EQ(same.ptr(), link.ptr());
  EXPECT_EQ(output, HostLink::want_output);
  u8 out[16];
  {
    LockGuard lock;
    EXPECT_EQ(link->take_stream(out, sizeof out), 5u);
  }
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 5), "hello");
  // Host to guest, then the host's end.
  {
    LockGuard lock;
    EXPECT_EQ(link->owner()->host_input(reinterpret_cast<const u8*>("world"), 5), 5u);
    link->owner()->host_end();
  }
  UserAddr buf = p().alloc(16);
  EXPECT_EQ(sys(nr::read, fd, buf, 16), 5);
  EXPECT_EQ(sys(nr::read, fd, buf, 16), 0);
  // The guest closes: the service finishes and lets go.
  ASSERT_EQ(p().close(static_cast<i32>(fd)), 0);
  auto [closing, bits] = next();
  EXPECT_EQ(closing.ptr(), link.ptr());
  EXPECT_EQ(bits, HostLink::want_close);
  LockGuard lock;
  usize before = HostNet::the().link_count();
  HostNet::the().release(link->handle());
  EXPECT_EQ(HostNet::the().link_count(), before - 1);
}

TEST_F(HostNetTest, ARefusedConnectionIsTheConnectsErrno) {
  i64 fd = tcp_socket();
  ASSERT_GE(fd, 0);
  i64 result = 0;
  std::thread connector([&] {
    GuestThread t(p());
    result = t.sys(nr::connect, fd, sockaddr(10, 0, 2, 2, 9), sizeof(abi::SockaddrIn));
  });
  wait_until_blocked(p(), static_cast<i32>(fd));
  auto [link, work] = next();
  ASSERT_TRUE(link);
  {
    LockGuard lock;
    link->owner()->host_failed(Errno::econnrefused);
  }
  connector.join();
  EXPECT_EQ(result, err(Errno::econnrefused));
  ASSERT_EQ(p().close(static_cast<i32>(fd)), 0);
  LockGuard lock;
  HostNet::the().release(link->handle());
}

TEST_F(HostNetTest, AConnectionFromTheHostReachesAWildcardListener) {
  i64 listener = tcp_socket();
  ASSERT_EQ(sys(nr::bind, listener, sockaddr(0, 0, 0, 0, 8080), sizeof(abi::SockaddrIn)), 0);
  ASSERT_EQ(sys(nr::listen, listener, 4), 0);
  NetAddress from = guest_net::host_gateway(50000);
  u32 handle;
  {
    LockGuard lock;
    EXPECT_NE(next_host_listener(8080), nullptr);
    auto r = accept_host_connection(8080, from);
    ASSERT_FALSE(r.is_error());
    handle = r.value();
    EXPECT_TRUE(accept_host_connection(8081, from).is_error()); // nobody there: refused
  }
  UserAddr peer = p().alloc(16), len = p().put(i32{16});
  i64 conn = sys(nr::accept, listener, peer, len);
  ASSERT_GE(conn, 0);
  auto sin = p().get<abi::SockaddrIn>(peer);
  u8 ip[4];
  memcpy(ip, &sin.sin_addr, 4);
  EXPECT_EQ(ip[3], 2); // 10.0.2.2, the host
  RefPtr<HostLink> link;
  {
    LockGuard lock;
    link = HostNet::the().find(handle);
    ASSERT_TRUE(link);
    EXPECT_EQ(link->owner()->host_input(reinterpret_cast<const u8*>("GET /"), 5), 5u);
  }
  UserAddr buf = p().alloc(16);
  EXPECT_EQ(sys(nr::read, conn, buf, 16), 5);
  ASSERT_EQ(p().close(static_cast<i32>(conn)), 0);
  ASSERT_EQ(p().close(static_cast<i32>(listener)), 0);
  LockGuard lock;
  while (HostNet::the().next_work()) {}
  HostNet::the().release(handle);
}

TEST_F(HostNetTest, WithoutHostNetworkingOnlyLoopbackIsReachable) {
  {
    LockGuard lock;
    HostNet::the().set_enabled(false);
  }
  i64 fd = tcp_socket();
  EXPECT_EQ(sys(nr::connect, fd, sockaddr(10, 0, 2, 2, 80), sizeof(abi::SockaddrIn)), err(Errno::enetunreach));
  EXPECT_EQ(sys(nr::bind, fd, sockaddr(10, 0, 2, 15, 0), sizeof(abi::SockaddrIn)), err(Errno::eaddrnotavail));
}

} // namespace
} // namespace wasmux::test
