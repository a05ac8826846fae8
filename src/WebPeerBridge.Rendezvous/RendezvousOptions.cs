using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using WebPeerBridge.Protocol;
using WebPeerBridge.Rendezvous.Cluster;

namespace WebPeerBridge.Rendezvous;

/// <summary>Settings of the rendezvous server (configuration section <c>Rendezvous</c>).</summary>
public sealed class RendezvousOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Rendezvous";

    /// <summary>Address to listen on; <c>0.0.0.0</c> serves the LAN, <c>127.0.0.1</c> this machine only.</summary>
    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 1234;

    /// <summary>SQLite file of the broadcast history; <c>:memory:</c> keeps it in memory only.</summary>
    [Required]
    public string HistoryPath { get; set; } = "rendezvous-history.db";

    /// <summary>
    /// A write of the broadcast history that cannot finish within this time (another process holds the file's lock, the
    /// disk stalls) fails: its says get <c>unavailable</c> and the next batch tries again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan HistoryWriteTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a name whose connection dropped without <c>bye</c> (EOF, fault, timeout, server crash or restart) stays
    /// held for its resume token: others get <c>name_taken</c> meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan NameHoldTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most broadcasts stored in one transaction (group commit): every say waiting at that moment, up to this many.</summary>
    [Range(1, 100_000)]
    public int MaxBroadcastBatch { get; set; } = 1024;

    /// <summary>
    /// Most registrations, joins and leaves coalesced in one turn of the hub (one holds transaction, each client's joined
    /// and left lines in one write): all those waiting at that moment, up to this many.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxPresenceBatch { get; set; } = 256;

    /// <summary>How many broadcasts a <c>welcome</c> without <c>since</c> carries.</summary>
    [Range(0, 100_000)]
    public int WelcomeHistoryCount { get; set; } = 200;

    /// <summary>Upper bound of the history in one <c>welcome</c>, in bytes of text.</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int WelcomeHistoryMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest frame read from a client, newline excluded.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = ProtocolLimits.MaxClientFrameBytes;

    /// <summary>Longest broadcast text, in Unicode scalar values.</summary>
    [Range(1, 1_000_000)]
    public int MaxTextLength { get; set; } = ProtocolLimits.MaxTextLength;

    /// <summary>The first frame must arrive within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan HelloTimeout { get; set; } = ProtocolLimits.HelloTimeout;

    /// <summary>A v1 client silent for this long is dropped (<c>idle_timeout</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = ProtocolLimits.IdleTimeout;

    /// <summary>A client whose socket takes nothing for this long is dropped (<c>slow_consumer</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a closing connection may take to send what is queued for it; a client that reads nothing is cut off
    /// after it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ClosingDrainTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the last line to a connection may take to go out (a refusal such as <c>too_many</c> or
    /// <c>hello_timeout</c>, the error that closes it) before its socket closes anyway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan LastLineTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a stopping server waits for its connections to end (each one's loops, then all of them) before it
    /// stores what it accepted and stops.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Frames that may wait for one client before it is dropped (<c>slow_consumer</c>).</summary>
    [Range(1, 1_000_000)]
    public int ClientQueueFrames { get; set; } = 1024;

    /// <summary>Bytes that may wait for one client before it is dropped (<c>slow_consumer</c>).</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int ClientQueueBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Says of one client that may be on their way at once (accepted, not yet written back to it as its <c>said</c>): more
    /// wait unread, so that one client sending in bulk cannot fill everyone else's queue faster than it drains.
    /// </summary>
    [Range(1, 1024)]
    public int MaxSaysInFlight { get; set; } = 64;

    /// <summary>How often connections are checked for the hello, idle and send timeouts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most broadcasts a seed client gets when it joins (plain-text notices are slow to read).</summary>
    [Range(0, 1000)]
    public int SeedHistoryCount { get; set; } = 20;

    /// <summary>Gap between two writes to a seed client, so that its <c>recv(2048)</c> sees them apart.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan SeedWriteInterval { get; set; } = TimeSpan.FromMilliseconds(50);
    /// <summary>Most connections open at once, from all addresses together (trusted ones too).</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 2000;

    /// <summary>Most connections open at once from one untrusted address, registered or not.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>Most registered clients at once from one untrusted address.</summary>
    [Range(1, 1_000_000)]
    public int MaxRegistrationsPerAddress { get; set; } = 16;

    /// <summary>Most registrations (hellos, refused ones too) one untrusted address may start per minute.</summary>
    [Range(1, 1_000_000)]
    public int MaxRegistrationsPerAddressPerMinute { get; set; } = 60;

    /// <summary>
    /// Refused connections that may wait at once for their first byte (which tells how to word <c>too_many</c>: a JSON line
    /// or a seed notice); more are closed without a word.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxRefusalsWaiting { get; set; } = 64;

    /// <summary>Most peers listed in one <c>welcome</c>; keeps the frame far below the clients' 8 MiB frame limit.</summary>
    [Range(0, 10_000)]
    public int WelcomeMaxPeers { get; set; } = 1000;

    /// <summary>
    /// Addresses exempt from the per-address limits (the overall one still holds): a bridge's host, whose agents all come
    /// from it. IP addresses only, e.g. <c>127.0.0.1</c>, <c>::1</c>, <c>192.168.1.10</c>.
    /// </summary>
    [IpAddresses]
    public List<string> TrustedAddresses { get; set; } = [];

    /// <summary>The clustered stores (NATS JetStream); without a URL the embedded ones serve this process alone.</summary>
    [ValidateObjectMembers]
    public NatsOptions Nats { get; set; } = new();
}
