using System.Globalization;

namespace WebPeerBridge.Load.Compare;

/// <summary>
/// A minimal InspIRCd 3 configuration for the benchmark: clients on 127.0.0.1 only, every clone and flood limit raised
/// so a thousand clients from one address are neither refused nor throttled, no DNS or ident lookups.
/// </summary>
internal static class InspircdConfig
{
    /// <summary>Writes the configuration and its MOTD into <paramref name="directory"/>; returns the configuration's path.</summary>
    public static string Write(string directory, int port)
    {
        Directory.CreateDirectory(directory);
        var motd = Path.Combine(directory, "bench.motd");
        File.WriteAllText(motd, "WebPeerBridge benchmark\n");
        var path = Path.Combine(directory, "inspircd.conf");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            <server name="bench.local" description="WebPeerBridge benchmark" network="bench">
            <admin name="bench" nick="bench" email="bench@localhost">
            <bind address="127.0.0.1" port="{port}" type="clients">
            <connect name="bench"
                     allow="127.0.0.1"
                     maxchans="20"
                     timeout="60"
                     pingfreq="10m"
                     hardsendq="16M"
                     softsendq="16M"
                     recvq="1M"
                     threshold="1000000"
                     commandrate="100000000"
                     fakelag="no"
                     localmax="100000"
                     globalmax="100000"
                     maxconnwarn="no"
                     resolvehostnames="no"
                     useident="no"
                     limit="100000">
            <files motd="{motd}">
            <dns server="127.0.0.1" timeout="1">
            <options prefixquit="Quit: " syntaxhints="no" announcets="yes" hostintopic="yes" pingwarning="15" splitwhois="no" exemptchanops="">
            <security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no" hideulines="no" hidebans="no" maxtargets="20">
            <performance quietbursts="yes" softlimit="20000" somaxconn="4096" netbuffersize="10240" clonesonconnect="no">
            <whowas groupsize="10" maxgroups="100000" maxkeep="3d">
            <channels users="20" opers="60">

            """));
        return path;
    }
}
