using System.Runtime.InteropServices;
using LiveInit.Native.Linux;

namespace LiveInit.Tests;

/// <summary>The rtnetlink structs and constants the network bring-up hands the kernel, compared with the C
/// headers by gcc (sizes, every field offset, every constant).</summary>
public class NetConstantsTests
{
    [Fact]
    public unsafe void RtnetlinkMatchesTheCHeaders()
    {
        var src = Path.Combine(Repo.TempDir("net-consts"), "c.c");
        File.WriteAllText(src, """
            #include <stdio.h>
            #include <stddef.h>
            #include <sys/socket.h>
            #include <linux/netlink.h>
            #include <linux/rtnetlink.h>
            #include <linux/if_addr.h>
            #include <linux/if_arp.h>
            #define O(t, f) (int)offsetof(t, f)
            int main(void) {
              printf("%d %d %d %d %d %d\n", (int)sizeof(struct nlmsghdr), O(struct nlmsghdr, nlmsg_type),
                O(struct nlmsghdr, nlmsg_flags), O(struct nlmsghdr, nlmsg_seq), O(struct nlmsghdr, nlmsg_pid),
                (int)sizeof(struct rtattr));
              printf("%d %d %d %d %d\n", (int)sizeof(struct ifinfomsg), O(struct ifinfomsg, ifi_type),
                O(struct ifinfomsg, ifi_index), O(struct ifinfomsg, ifi_flags), O(struct ifinfomsg, ifi_change));
              printf("%d %d %d %d %d\n", (int)sizeof(struct ifaddrmsg), O(struct ifaddrmsg, ifa_prefixlen),
                O(struct ifaddrmsg, ifa_flags), O(struct ifaddrmsg, ifa_scope), O(struct ifaddrmsg, ifa_index));
              printf("%d %d %d %d %d %d\n", (int)sizeof(struct rtmsg), O(struct rtmsg, rtm_table),
                O(struct rtmsg, rtm_protocol), O(struct rtmsg, rtm_scope), O(struct rtmsg, rtm_type),
                O(struct rtmsg, rtm_flags));
              printf("%d %d %d %d %d %d %d %d %d %d %d\n", NETLINK_ROUTE, SOCK_RAW, AF_INET, NLMSG_ERROR, NLMSG_DONE,
                RTM_NEWLINK, RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR, RTM_NEWROUTE, IFF_UP);
              printf("%d %d %d %d %d %d %d %d\n", NLM_F_REQUEST, NLM_F_ACK, NLM_F_ROOT, NLM_F_MATCH, NLM_F_REPLACE,
                NLM_F_EXCL, NLM_F_CREATE, ARPHRD_ETHER);
              printf("%d %d %d %d %d %d %d\n", IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, RTA_DST, RTA_OIF, RTA_GATEWAY,
                RTA_PREFSRC);
              printf("%d %d %d %d %d %d %d\n", RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RT_SCOPE_LINK,
                RTN_UNICAST, SO_BROADCAST, SO_BINDTODEVICE);
              return 0;
            }
            """);
        var exe = src[..^2];
        var (cc, _, err) = Repo.Run("gcc", "-o", exe, src);
        Assert.True(cc == 0, err);
        var lines = Repo.Run(exe).Out.Trim().Split('\n');
        static string O<T>(string f) => Marshal.OffsetOf<T>(f).ToString();
        Assert.Equal(string.Join(' ', sizeof(NlMsgHdr), O<NlMsgHdr>("Type"), O<NlMsgHdr>("Flags"), O<NlMsgHdr>("Seq"),
            O<NlMsgHdr>("Pid"), sizeof(RtAttr)), lines[0]);
        Assert.Equal(string.Join(' ', sizeof(IfInfoMsg), O<IfInfoMsg>("Type"), O<IfInfoMsg>("Index"),
            O<IfInfoMsg>("Flags"), O<IfInfoMsg>("Change")), lines[1]);
        Assert.Equal(string.Join(' ', sizeof(IfAddrMsg), O<IfAddrMsg>("PrefixLen"), O<IfAddrMsg>("Flags"),
            O<IfAddrMsg>("Scope"), O<IfAddrMsg>("Index")), lines[2]);
        Assert.Equal(string.Join(' ', sizeof(RtMsg), O<RtMsg>("Table"), O<RtMsg>("Protocol"), O<RtMsg>("Scope"),
            O<RtMsg>("Type"), O<RtMsg>("Flags")), lines[3]);
        Assert.Equal(string.Join(' ', Rtnl.NETLINK_ROUTE, Rtnl.SOCK_RAW, Rtnl.AF_INET, Rtnl.NLMSG_ERROR,
            Rtnl.NLMSG_DONE, Rtnl.RTM_NEWLINK, Rtnl.RTM_NEWADDR, Rtnl.RTM_DELADDR, Rtnl.RTM_GETADDR,
            Rtnl.RTM_NEWROUTE, Rtnl.IFF_UP), lines[4]);
        Assert.Equal(string.Join(' ', Rtnl.NLM_F_REQUEST, Rtnl.NLM_F_ACK, Rtnl.NLM_F_ROOT, Rtnl.NLM_F_MATCH,
            Rtnl.NLM_F_REPLACE, Rtnl.NLM_F_EXCL, Rtnl.NLM_F_CREATE, LiveInit.Net.NetInterface.ArphrdEther), lines[5]);
        Assert.Equal(string.Join(' ', Rtnl.IFA_ADDRESS, Rtnl.IFA_LOCAL, Rtnl.IFA_BROADCAST, Rtnl.RTA_DST,
            Rtnl.RTA_OIF, Rtnl.RTA_GATEWAY, Rtnl.RTA_PREFSRC), lines[6]);
        Assert.Equal(string.Join(' ', Rtnl.RT_TABLE_MAIN, Rtnl.RTPROT_BOOT, Rtnl.RT_SCOPE_UNIVERSE,
            Rtnl.RT_SCOPE_LINK, Rtnl.RTN_UNICAST, Rtnl.SO_BROADCAST, Rtnl.SO_BINDTODEVICE), lines[7]);
    }
}
