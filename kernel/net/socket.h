#pragma once
// Sockets (socket(7)): a Socket is a File whose reads and writes are receives and sends;
// each family is a subclass (net/unix_socket.cpp, net/inet_socket.cpp). What travels is a
// SocketMessage (bytes, and for AF_UNIX descriptors and credentials); each socket receives
// into a ReceiveQueue with a byte budget (SO_RCVBUF) and the wait queues of its readers
// and of the writers sending to it, on the readiness model (wait/wait_queue.h).
#include "../base/list.h"
#include "../base/vector.h"
#include "../fd/file.h"
#include "../wait/wait_queue.h"

namespace wasmux {

class FileDescription;

// A socket address as a guest gives or gets it (at most sockaddr_storage: 128 bytes).
struct SockAddr {
  u8 bytes[128]{};
  u32 len{0};
  u16 family() const { return len >= 2 ? static_cast<u16>(bytes[0] | bytes[1] << 8) : 0; }
};

// One datagram, or one piece of a stream, with what it carries.
struct SocketMessage {
  Vector<u8> data;
  usize consumed{0}; // a stream's bytes already read
  Vector<RefPtr<FileDescription>> fds; // SCM_RIGHTS in flight
  bool has_creds{false};
  abi::Ucred creds{};
  SockAddr from; // a datagram's sender
  ListNode node;
  usize left() const { return data.size() - consumed; }
  bool has_ancillary() const { return has_creds || !fds.empty(); }
};

class ReceiveQueue {
public:
  ~ReceiveQueue() { clear(); }
  // Whether n more bytes fit (a message is always taken into an empty queue).
  bool has_room(usize n) const { return m_bytes == 0 || m_bytes + n <= m_capacity; }
  // Appends (a stream may add the bytes to the last piece instead when neither carries
  // anything else); readers are told.
  void push(SocketMessage* m, bool stream);
  SocketMessage* front() { return m_messages.first(); }
  SocketMessage* next(SocketMessage& m) { return m_messages.next(m); }
  // Takes n bytes of the front message (all of it for a datagram); writers are told.
  void consume(usize n, bool whole_message);
  usize bytes() const { return m_bytes; }
  bool empty() const { return m_messages.empty(); }
  void clear();
  usize capacity() const { return m_capacity; }
  void set_capacity(usize c) { m_capacity = c; }
  // No more data will come (the sending side shut down or went).
  bool ended() const { return m_ended; }
  void end();
  WaitQueue& readers() { return m_readers; }
  WaitQueue& writers() { return m_writers; }

private:
  IntrusiveList<SocketMessage, &SocketMessage::node> m_messages;
  usize m_bytes{0};
  usize m_capacity{212992}; // Linux's default rmem_default
  bool m_ended{false};
  WaitQueue m_readers;
  WaitQueue m_writers;
};

// What recvmsg asks for and gets back.
struct ReceiveResult {
  usize copied{0};      // bytes placed into the buffer
  usize message_len{0}; // a datagram's whole length (MSG_TRUNC)
  Vector<RefPtr<FileDescription>> fds;
  bool has_creds{false};
  abi::Ucred creds{};
  SockAddr from;
};

// The bytes of a send: write's or send's one buffer, or sendmsg's iovecs, copied into the
// kernel a piece at a time (a stream's 64 KiB, a datagram whole once its size is allowed).
class SendBytes {
public:
  SendBytes() = default;
  explicit SendBytes(const IoBuffer& b) { add(b); }
  void add(const IoBuffer& b) {
    if (b.size() == 0) return;
    m_parts.append(b);
    m_size += b.size();
  }
  usize size() const { return m_size; }
  // Copies n bytes from `offset` on into out (EFAULT for a bad user range).
  ErrorOr copy(usize offset, u8* out, usize n) const;

private:
  Vector<IoBuffer> m_parts;
  usize m_size{0};
};

// What sendmsg's control messages add to a send: descriptors and credentials, which go
// with its first piece.
struct SendExtras {
  Vector<RefPtr<FileDescription>> fds;
  bool has_creds{false};
  abi::Ucred creds{};
};

class Socket : public File {
public:
  Socket(i32 family, i32 type, i32 protocol);
  i32 family() const { return m_family; }
  i32 type() const { return m_type; }
  i32 protocol() const { return m_protocol; }
  bool can_poll() const override { return true; }
  bool supports_async() const override { return true; }
  bool is_socket() const override { return true; }
  ErrorOr stat(abi::Stat& out) override;
  ErrorOr statfs(abi::Statfs& out) override;
  Result<i64> ioctl(FileDescription&, u32 request, UserAddr arg) override;
  Result<usize> read(FileDescription&, const IoBuffer&, i64) override;
  Result<usize> write(FileDescription&, const IoBuffer&, i64) override;

  // ---- what each family does (would_block: the syscall layer waits or says EAGAIN) ----
  virtual ErrorOr bind(const SockAddr& addr) = 0;
  virtual ErrorOr listen(i32) { return Errno::eopnotsupp; }
  virtual Result<RefPtr<Socket>> accept(SockAddr&) { return Errno::eopnotsupp; }
  // Connects; a stream connection that cannot be made at once answers would_block and
  // connect_finished() says when it is done.
  virtual ErrorOr connect(const SockAddr& addr, bool nonblocking) = 0;
  virtual ErrorOr connect_finished() { return {}; }
  // Sends msg (its data moved out when taken); to: sendto's address or null.
  virtual Result<usize> send(SocketMessage& msg, const SockAddr* to, u32 flags) = 0;
  // The largest datagram a send may carry (EMSGSIZE past it, before anything is copied);
  // streams have no limit.
  virtual usize max_datagram() const { return SIZE_MAX; }
  // send(2), sendmsg(2) and write(2): all of `bytes` (a stream takes them in pieces),
  // waiting for room unless non-blocking (O_NONBLOCK or MSG_DONTWAIT) or until
  // SO_SNDTIMEO; an error, a signal or the timeout after some bytes went answers how many
  // did. EPIPE raises SIGPIPE unless MSG_NOSIGNAL.
  Result<usize> send_all(FileDescription& d, const SendBytes& bytes, SendExtras& extras, const SockAddr* to, u32 flags);
  // Where a blocked sender of records waits: a datagram needs room for all of it, more
  // than the byte that makes the socket poll writable, so such a sender sleeps on the
  // receiving queue's writers instead (null: wait for POLLOUT).
  virtual WaitQueue* send_space(const SockAddr*) { return nullptr; }
  // Receives at most `size` bytes into buf.
  virtual Result<usize> receive(const IoBuffer& buf, u32 flags, ReceiveResult& out) = 0;
  virtual ErrorOr shutdown(i32 how) = 0;
  virtual ErrorOr sockname(SockAddr& out) = 0;
  virtual ErrorOr peername(SockAddr& out) = 0;
  // Family options (levels other than SOL_SOCKET, and SOL_SOCKET ones the base does not
  // keep); the value at most 128 bytes.
  virtual Result<usize> get_option(i32 level, i32 name, u8* value);
  virtual ErrorOr set_option(i32 level, i32 name, const u8* value, usize len);
  virtual bool is_listening() const { return false; }
  // A pending error (SO_ERROR), taken by reading it.
  i32 take_error() {
    i32 e = m_error;
    m_error = 0;
    return e;
  }

  // ---- waiting (a blocking call's sleep; EAGAIN at the deadline, -1: none) ----
  // Until the socket has one of `events`, or the deadline, or a signal.
  ErrorOr wait(FileDescription& d, u32 events, i64 deadline);
  // Until a send that answered would_block may go on (send_space, else POLLOUT).
  ErrorOr wait_to_send(FileDescription& d, const SockAddr* to, i64 deadline);
  // The deadlines SO_SNDTIMEO and SO_RCVTIMEO give a call starting now.
  i64 send_deadline() const;
  i64 receive_deadline() const;

  // ---- the options every socket keeps (SOL_SOCKET) ----
  i64 receive_timeout() const { return m_rcvtimeo; }
  i64 send_timeout() const { return m_sndtimeo; }
  bool passcred() const { return m_passcred; }
  bool reuse_addr() const { return m_reuseaddr; }
  bool reuse_port() const { return m_reuseport; }
  usize send_buffer() const { return m_sndbuf; }
  // SO_LINGER on with a zero time: close resets the connection (socket(7)).
  bool abortive_close() const { return m_linger.l_onoff && m_linger.l_linger == 0; }
  ReceiveQueue& receive_queue() { return m_queue; }

protected:
  i32 m_error{0};
  ReceiveQueue m_queue;

private:
  i32 m_family, m_type, m_protocol;
  u64 m_ino;
  i64 m_rcvtimeo{0}, m_sndtimeo{0}; // ns; 0: none
  bool m_passcred{false}, m_reuseaddr{false}, m_reuseport{false}, m_keepalive{false}, m_broadcast{false};
  bool m_oobinline{false};
  usize m_sndbuf{212992};
  abi::Linger m_linger{};
  i32 m_rcvlowat{1};
};

// Puts msg into q: all of it (a datagram, or a stream piece that fits), or for a stream
// as much as fits; would_block when nothing does. The message's descriptors and
// credentials go with it; `from` is the sender's address.
Result<usize> deliver_message(ReceiveQueue& q, SocketMessage& msg, bool stream, const SockAddr& from);

// Reads a stream's bytes from q into buf (up to buf's size), stopping before a piece
// that carries descriptors or credentials once some bytes are read (unix(7)); with peek,
// nothing is taken. Ancillary data of the first piece taken goes into out.
Result<usize> receive_stream(ReceiveQueue& q, const IoBuffer& buf, bool peek, ReceiveResult& out);
// Takes the front datagram of q into buf (truncated to its size).
Result<usize> receive_datagram(ReceiveQueue& q, const IoBuffer& buf, bool peek, ReceiveResult& out);

} // namespace wasmux
