using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebPeerBridge.Cli;

// dotnet run --project src/WebPeerBridge.Cli -- --name bob --server 127.0.0.1:1234
var arguments = CliArguments.Parse(args, out var error);
if (arguments is null)
{
    if (error is not null)
    {
        await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
    }

    await (error is null ? Console.Out : Console.Error).WriteLineAsync(CliArguments.Usage).ConfigureAwait(false);
    return error is null ? 0 : 2;
}

var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
Console.OutputEncoding = utf8;
Console.InputEncoding = utf8;

using var loggerFactory = arguments.Verbose
    ? LoggerFactory.Create(logging => logging
        .SetMinimumLevel(LogLevel.Debug)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
    : NullLoggerFactory.Instance;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C leaves the network properly instead of killing the process.
    e.Cancel = true;
    stop.Cancel();
};

// docker stop sends SIGTERM: leave the network properly, as for Ctrl+C.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

// After a burst (a flood of links from a hostile host, say) a calm peer gives back what its heap grew to.
var trimmer = arguments.TrimMemory ? IdleMemory.StartTrimmer(loggerFactory.CreateLogger("WebPeerBridge.Cli.IdleMemory"), TimeProvider.System) : null;
try
{
    var output = new TerminalOutput(Console.Out);
    var peer = new TerminalPeer(arguments, Console.In, output, loggerFactory);
    return await peer.RunAsync(stop.Token).ConfigureAwait(false);
}
finally
{
    if (trimmer is not null)
    {
        await trimmer.DisposeAsync().ConfigureAwait(false);
    }
}
