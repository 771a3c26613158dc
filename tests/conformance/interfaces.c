/* The network interfaces as a program sees them: getifaddrs and if_nameindex over
 * rtnetlink, if_nametoindex/if_indextoname, the SIOCGIF* ioctls, and an NETLINK_ROUTE
 * socket's dumps and errors. Only what holds on any Linux machine is checked (the loopback
 * interface, the message framing): the other interfaces differ between machines.
 * References: netlink(7), rtnetlink(7), netdevice(7), getifaddrs(3), if_nameindex(3),
 * net/core/rtnetlink.c, net/netlink/af_netlink.c. */
#define _GNU_SOURCE
#include "check.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static void getifaddrs_checks(void)
{
    struct ifaddrs *all;
    CHECK_OK(getifaddrs(&all), "getifaddrs");
    int lo_v4 = 0, lo_v6 = 0, lo_link = 0;
    for (struct ifaddrs *i = all; i; i = i->ifa_next) {
        if (strcmp(i->ifa_name, "lo") || !i->ifa_addr)
            continue;
        int fam = i->ifa_addr->sa_family;
        if ((i->ifa_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) != (IFF_UP | IFF_LOOPBACK | IFF_RUNNING))
            continue;
        if (fam == AF_PACKET)
            lo_link = 1;
        if (fam == AF_INET) {
            struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr, *m = (struct sockaddr_in *)i->ifa_netmask;
            lo_v4 = a->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && m && m->sin_addr.s_addr == htonl(0xff000000);
        }
        if (fam == AF_INET6)
            lo_v6 = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr);
    }
    CHECK(lo_link, "lo is listed, up, running, a loopback");
    CHECK(lo_v4, "lo has 127.0.0.1/8");
    CHECK(lo_v6, "lo has ::1");
    freeifaddrs(all);

    struct if_nameindex *names = if_nameindex();
    CHECK(names != NULL, "if_nameindex");
    unsigned lo_index = 0;
    for (struct if_nameindex *n = names; n && n->if_index; n++)
        if (!strcmp(n->if_name, "lo"))
            lo_index = n->if_index;
    if_freenameindex(names);
    CHECK(lo_index > 0, "if_nameindex lists lo");
    CHECK_EQ(if_nametoindex("lo"), lo_index, "if_nametoindex(\"lo\") agrees");
    char name[IF_NAMESIZE];
    CHECK_STR(if_indextoname(lo_index, name), "lo", "if_indextoname gives lo back");
    CHECK_EQ(if_nametoindex("no-such-if0"), 0, "if_nametoindex of no interface: 0");
}

static void ioctl_checks(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "lo");
    CHECK_OK(ioctl(s, SIOCGIFFLAGS, &r), "SIOCGIFFLAGS lo");
    CHECK_EQ(r.ifr_flags & (IFF_UP | IFF_LOOPBACK), IFF_UP | IFF_LOOPBACK, "lo is up and a loopback");
    CHECK_OK(ioctl(s, SIOCGIFADDR, &r), "SIOCGIFADDR lo");
    CHECK_EQ(((struct sockaddr_in *)&r.ifr_addr)->sin_addr.s_addr, htonl(INADDR_LOOPBACK), "its address is 127.0.0.1");
    CHECK_OK(ioctl(s, SIOCGIFNETMASK, &r), "SIOCGIFNETMASK lo");
    CHECK_EQ(((struct sockaddr_in *)&r.ifr_netmask)->sin_addr.s_addr, htonl(0xff000000), "its netmask is 255.0.0.0");
    CHECK_OK(ioctl(s, SIOCGIFMTU, &r), "SIOCGIFMTU lo");
    CHECK_EQ(r.ifr_mtu, 65536, "lo's MTU is 65536");
    CHECK_OK(ioctl(s, SIOCGIFHWADDR, &r), "SIOCGIFHWADDR lo");
    CHECK_EQ(r.ifr_hwaddr.sa_family, 772, "lo's hardware type is ARPHRD_LOOPBACK");
    CHECK_OK(ioctl(s, SIOCGIFBRDADDR, &r), "SIOCGIFBRDADDR lo");
    CHECK_EQ(((struct sockaddr_in *)&r.ifr_broadaddr)->sin_addr.s_addr, 0, "lo has no broadcast address: 0.0.0.0");
    CHECK_OK(ioctl(s, SIOCGIFINDEX, &r), "SIOCGIFINDEX lo");
    int index = r.ifr_ifindex;
    CHECK_EQ((unsigned)index, if_nametoindex("lo"), "the same index as if_nametoindex");
    memset(r.ifr_name, 0, sizeof r.ifr_name);
    r.ifr_ifindex = index;
    CHECK_OK(ioctl(s, SIOCGIFNAME, &r), "SIOCGIFNAME of lo's index");
    CHECK_STR(r.ifr_name, "lo", "names lo");
    strcpy(r.ifr_name, "no-such-if0");
    CHECK_ERRNO(ioctl(s, SIOCGIFFLAGS, &r), ENODEV, "SIOCGIFFLAGS of no interface: ENODEV");
    struct ifconf conf = {.ifc_len = 0, .ifc_buf = NULL};
    CHECK_OK(ioctl(s, SIOCGIFCONF, &conf), "SIOCGIFCONF without a buffer");
    CHECK(conf.ifc_len >= (int)sizeof(struct ifreq) && conf.ifc_len % (int)sizeof(struct ifreq) == 0,
          "it answers the room every interface's ifreq needs");
    struct ifreq reqs[32];
    conf.ifc_len = sizeof reqs;
    conf.ifc_req = reqs;
    CHECK_OK(ioctl(s, SIOCGIFCONF, &conf), "SIOCGIFCONF");
    int has_lo = 0;
    for (int i = 0; i < conf.ifc_len / (int)sizeof(struct ifreq); i++)
        has_lo |= !strcmp(reqs[i].ifr_name, "lo") &&
                  ((struct sockaddr_in *)&reqs[i].ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
    CHECK(has_lo, "SIOCGIFCONF lists lo with 127.0.0.1");
    close(s);
}

/* Sends one request and reads the answer's first datagram into buf. */
static int request(int s, int type, int flags, int seq, unsigned char family, char *buf, int len)
{
    struct { struct nlmsghdr h; struct rtgenmsg g; } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = flags;
    req.h.nlmsg_seq = seq;
    req.g.rtgen_family = family;
    if (send(s, &req, sizeof req, 0) != sizeof req)
        return -1;
    return recv(s, buf, len, 0);
}

static void netlink_checks(void)
{
    CHECK_ERRNO(socket(AF_NETLINK, SOCK_RAW, 99), EPROTONOSUPPORT, "a netlink protocol that does not exist: EPROTONOSUPPORT");
    CHECK_ERRNO(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ESOCKTNOSUPPORT, "a netlink stream: ESOCKTNOSUPPORT");
    int s = CHECK_OK(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)");
    struct sockaddr_nl me = {.nl_family = AF_NETLINK};
    CHECK_OK(bind(s, (struct sockaddr *)&me, sizeof me), "bind with port 0");
    socklen_t len = sizeof me;
    getsockname(s, (struct sockaddr *)&me, &len);
    CHECK_EQ(me.nl_pid, (unsigned)getpid(), "the first socket's port id is the pid");
    static char buf[32768];
    int n = request(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 7, AF_UNSPEC, buf, sizeof buf);
    CHECK(n > 0, "an RTM_GETLINK dump answers");
    int links = 0, lo = 0, done = 0, seq_ok = 1;
    for (;;) {
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            seq_ok &= h->nlmsg_seq == 7 && h->nlmsg_pid == me.nl_pid;
            if (h->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWLINK)
                continue;
            links++;
            struct ifinfomsg *info = NLMSG_DATA(h);
            int alen = IFLA_PAYLOAD(h);
            for (struct rtattr *a = IFLA_RTA(info); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
                if (a->rta_type == IFLA_IFNAME && !strcmp(RTA_DATA(a), "lo"))
                    lo = info->ifi_type == 772 && (info->ifi_flags & IFF_LOOPBACK);
        }
        if (done)
            break;
        n = recv(s, buf, sizeof buf, 0);
        if (n <= 0)
            break;
    }
    CHECK(links >= 1 && lo, "RTM_NEWLINK for lo, of type ARPHRD_LOOPBACK");
    CHECK(done, "the dump ends in NLMSG_DONE");
    CHECK(seq_ok, "every message carries the request's sequence number and our port id");

    n = request(s, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 8, AF_INET, buf, sizeof buf);
    int v4_lo = 0, other_family = 0;
    done = 0;
    for (;;) {
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWADDR)
                continue;
            struct ifaddrmsg *a = NLMSG_DATA(h);
            if (a->ifa_family != AF_INET)
                other_family = 1;
            int alen = IFA_PAYLOAD(h);
            for (struct rtattr *r = IFA_RTA(a); RTA_OK(r, alen); r = RTA_NEXT(r, alen))
                if (r->rta_type == IFA_LOCAL && *(uint32_t *)RTA_DATA(r) == htonl(INADDR_LOOPBACK))
                    v4_lo = a->ifa_prefixlen == 8;
        }
        if (done)
            break;
        n = recv(s, buf, sizeof buf, 0);
        if (n <= 0)
            break;
    }
    CHECK(v4_lo && done, "an AF_INET RTM_GETADDR dump has 127.0.0.1/8, then NLMSG_DONE");
    CHECK(!other_family, "and no address of another family");

    n = request(s, 1000, NLM_F_REQUEST, 9, AF_UNSPEC, buf, sizeof buf);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    CHECK(n > 0 && h->nlmsg_type == NLMSG_ERROR, "a request of no known kind: NLMSG_ERROR");
    CHECK_EQ(((struct nlmsgerr *)NLMSG_DATA(h))->error, -EOPNOTSUPP, "with -EOPNOTSUPP");
    CHECK_EQ(((struct nlmsgerr *)NLMSG_DATA(h))->msg.nlmsg_seq, 9, "and the request's header");
    struct sockaddr_nl other = {.nl_family = AF_NETLINK, .nl_pid = 0x7ffffff0};
    CHECK_ERRNO(sendto(s, buf, 16, 0, (struct sockaddr *)&other, sizeof other), ECONNREFUSED, "a message to a port nobody has: ECONNREFUSED");
    CHECK_ERRNO(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "nothing more to read: EAGAIN");
    close(s);
}

int main(void)
{
    getifaddrs_checks();
    ioctl_checks();
    netlink_checks();
    return check_finish();
}
