#pragma once
// Intrusive doubly linked list: a node embedded in the element, no allocation.
#include "types.h"

namespace wasmux {

struct ListNode {
  ListNode* prev{this};
  ListNode* next{this};
  void* owner{nullptr};
  bool linked() const { return next != this; }
  void unlink() {
    prev->next = next;
    next->prev = prev;
    prev = next = this;
  }
};

template <typename T, ListNode T::*Node>
class IntrusiveList {
public:
  IntrusiveList() = default;
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const { return !m_head.linked(); }
  void push_back(T& item) {
    ListNode& n = item.*Node;
    n.owner = &item;
    n.prev = m_head.prev;
    n.next = &m_head;
    m_head.prev->next = &n;
    m_head.prev = &n;
  }
  // Puts item before `at` (an element of this list), or at the end when at is null.
  void insert_before(T& item, T* at) {
    if (!at) return push_back(item);
    ListNode& n = item.*Node;
    ListNode& next = at->*Node;
    n.owner = &item;
    n.prev = next.prev;
    n.next = &next;
    next.prev->next = &n;
    next.prev = &n;
  }
  static void remove(T& item) { (item.*Node).unlink(); }
  T* first() { return empty() ? nullptr : from_node(m_head.next); }
  T* last() { return empty() ? nullptr : from_node(m_head.prev); }
  // The element after item (one of this list), or null at the end.
  T* next(T& item) {
    ListNode* n = (item.*Node).next;
    return n == &m_head ? nullptr : from_node(n);
  }

  // Calls f on each element; f may unlink the element it is given.
  template <typename F>
  void for_each(F f) {
    for (ListNode* n = m_head.next; n != &m_head;) {
      ListNode* next = n->next;
      f(*from_node(n));
      n = next;
    }
  }

private:
  static T* from_node(ListNode* n) { return static_cast<T*>(n->owner); }
  ListNode m_head;
};

} // namespace wasmux
