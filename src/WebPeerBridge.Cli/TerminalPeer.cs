using Microsoft.Extensions.Logging;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Commands;

namespace WebPeerBridge.Cli;

/// <summary>
/// A peer driven by lines of text: joins, prints events as they happen, and carries out each line read. Works as well
/// with a terminal as with pipes; the end of the input means leave.
/// </summary>
internal sealed class TerminalPeer(CliArguments arguments, TextReader input, TerminalOutput output, ILoggerFactory loggerFactory)
{
    /// <summary>Exit codes: 0 after leaving, 1 when joining failed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var options = new PeerAgentOptions
        {
            Name = arguments.Name,
            RendezvousHost = arguments.ServerHost,
            RendezvousPort = arguments.ServerPort,
            RendezvousServers = [.. arguments.Servers ?? []],
            PeerPortMin = arguments.PortMin,
            PeerPortMax = arguments.PortMax,
            BindAddress = arguments.BindAddress,
            AdvertisedHost = arguments.AdvertisedHost,
        };

        for (var attempt = 1; ; attempt++)
        {
            var agent = new PeerAgent(options, loggerFactory);
            await using (agent.ConfigureAwait(false))
            {
                output.Line($"* joining {arguments.ServerHost}:{arguments.ServerPort} as {arguments.Name}…");
                var joined = await agent.StartAsync(cancellationToken).ConfigureAwait(false);
                if (joined.Success)
                {
                    return await RunJoinedAsync(agent, cancellationToken).ConfigureAwait(false);
                }

                output.Line($"! could not join: {joined.Message} ({joined.ErrorCode})");
                // A demo peer is a service: started beside its server (docker compose), it waits for it to come up.
                if (!arguments.Demo || joined.ErrorCode != JoinErrors.Unreachable || cancellationToken.IsCancellationRequested)
                {
                    return 1;
                }
            }

            var delay = TimeSpan.FromSeconds(Math.Min(10, attempt));
            output.Line($"* retrying in {delay.TotalSeconds:0} s");
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 1;
            }
        }
    }

    private async Task<int> RunJoinedAsync(PeerAgent agent, CancellationToken cancellationToken)
    {
        using var printer = new EventPrinter(agent, output);
        var self = agent.Self!;
        output.Line($"* joined as {self.Name} ({self.Host}:{self.Port}); {Describe(agent)}. Type /help for the commands.");
        printer.Start();

        if (arguments.Demo)
        {
            await DemoPeer.RunAsync(agent, output, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ReadLinesAsync(agent, cancellationToken).ConfigureAwait(false);
        }

        await agent.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
        output.Line("* left");
        return 0;
    }

    private async Task ReadLinesAsync(PeerAgent agent, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string? line;
            try
            {
                // Console.In reads synchronously whatever the API: read on the pool, so that Ctrl+C need not wait for Enter.
                line = await Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (line is null)
            {
                return; // end of input: leave
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var command = PeerCommandParser.Parse(line);
            if (command is QuitCommand or CloseCommand)
            {
                return;
            }

            var result = await agent.ExecuteAsync(line, cancellationToken).ConfigureAwait(false);
            if (!result.Success)
            {
                output.Line($"! {FailureText.Of(result)}");
            }
            else if (result.Message is { } message)
            {
                if (command is HelpCommand or ListPeersCommand)
                {
                    output.Lines(message);
                }
                else
                {
                    output.Line($"* {message}");
                }
            }

            if (agent.State == RendezvousState.Closed)
            {
                return;
            }
        }
    }

    private static string Describe(PeerAgent agent) => agent.Peers.Count switch
    {
        0 => "nobody else is online",
        _ => $"online: {string.Join(", ", agent.Peers.Select(p => $"{p.Name} ({p.Host}:{p.Port})"))}",
    };
}
