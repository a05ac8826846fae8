using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebPeerBridge.Protocol.Memory;
using WebPeerBridge.Rendezvous;
using WebPeerBridge.Rendezvous.Memory;

// dotnet run --project src/WebPeerBridge.Rendezvous -- --port 1234 --history history.db --bind 0.0.0.0
var switches = new Dictionary<string, string>
{
    ["--port"] = "Rendezvous:Port",
    ["--bind"] = "Rendezvous:BindAddress",
    ["--history"] = "Rendezvous:HistoryPath",
    ["--welcome-history"] = "Rendezvous:WelcomeHistoryCount",
    // One address; more as Rendezvous:TrustedAddresses:1=… and so on.
    ["--trust"] = "Rendezvous:TrustedAddresses:0",
    ["--nats"] = "Rendezvous:Nats:Url",
    ["--node"] = "Rendezvous:Nats:NodeId",
};

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("""
        WebPeerBridge rendezvous server

          --port <n>             TCP port (default 1234)
          --bind <address>       listen address (default 0.0.0.0: the whole LAN)
          --history <file>       SQLite file of the broadcast history (default rendezvous-history.db; :memory: for none)
          --welcome-history <n>  broadcasts a newcomer gets (default 200)
          --trust <ip>           an address exempt from the per-address limits: a bridge's host (default none)
          --nats <url[,url…]>    keep every store in NATS JetStream, one network over several nodes (default none: embedded)
          --node <id>            this node's id in the cluster (default a new random one per start)

        Every setting can also come from environment variables, e.g. Rendezvous__Port=1234.
        """);
    return 0;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
builder.Configuration.AddCommandLine(args, switches);
// The NATS client tells of every consumer it creates (each welcome read from the stream): only its warnings and errors.
builder.Logging.AddFilter("NATS", LogLevel.Warning);
builder.Services.AddRendezvousServer(builder.Configuration.GetSection(RendezvousOptions.SectionName));
builder.Services.AddMemoryTrimming(builder.Configuration.GetSection(MemoryTrimOptions.SectionName));
using var host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
return 0;
