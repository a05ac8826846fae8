using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Peer;

public sealed partial class PeerAgent
{
    [LoggerMessage(1, LogLevel.Information, "Agent {Name} listening on peer port {Port}, joining {Server}")]
    private partial void LogStarting(string name, int port, string server);

    [LoggerMessage(2, LogLevel.Warning, "Agent {Name} could not start: {Code} {Message}")]
    private partial void LogStartFailed(string name, string code, string message);

    [LoggerMessage(3, LogLevel.Information, "Agent {Name} leaving")]
    private partial void LogLeaving(string name);

    [LoggerMessage(4, LogLevel.Debug, "Agent {Name} disposed")]
    private partial void LogDisposed(string name);

    [LoggerMessage(5, LogLevel.Warning, "The server reports {Code}: {Message}")]
    private partial void LogServerError(string code, string message);
}
