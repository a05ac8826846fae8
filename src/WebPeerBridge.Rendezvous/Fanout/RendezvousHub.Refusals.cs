using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>What a refused hello or say is told, the same on one node and in a cluster.</summary>
internal sealed partial class RendezvousHub
{
    /// <summary>Someone is online under <paramref name="shown"/> (as they wrote it), which <paramref name="requested"/> collides with.</summary>
    private void RefuseTaken(IHubClient client, string shown, string requested)
    {
        client.Refuse(ErrorCodes.NameTaken, $"The name '{shown}' is taken.");
        LogNameTaken(client.ConnectionId, requested);
    }

    /// <summary><paramref name="name"/> dropped without bye lately: kept for its owner's resume token.</summary>
    private void RefuseHeld(IHubClient client, string name)
    {
        client.Refuse(ErrorCodes.NameTaken,
            $"The name '{name}' is kept for its owner to reconnect (for up to {_options.NameHoldTime.TotalSeconds:0} s after they dropped).");
        LogNameHeld(client.ConnectionId, name);
    }

    /// <summary>Not a lookalike of a name online or held, but one that could become one of a name to come.</summary>
    private void RefuseMixedScripts(IHubClient client, string name)
    {
        client.Refuse(ErrorCodes.InvalidName,
            "This name mixes scripts (such as Latin with Cyrillic or Greek), so it could pass for another: write it in one script.");
        LogMixedScripts(client.ConnectionId, name);
    }

    /// <summary>The names cannot be checked now (the cluster's names bucket does not answer).</summary>
    private void RefuseUnavailable(IHubClient client, string name)
    {
        client.Refuse(ErrorCodes.Unavailable, "The server cannot check names right now. Try again in a moment.");
        LogNameUnavailable(client.ConnectionId, name);
    }

    /// <summary>A say that could not be stored: only its sender hears of it, by its id; it counts as that say's echo.</summary>
    private static void RefuseSay(IHubClient client, string? id) =>
        // A client whose queue is full is dropped by the next broadcast it misses; this one is only for it.
        client.TryEnqueue(Outbound.Of(new ErrorFrame(ErrorCodes.Unavailable,
            "The server cannot store broadcasts right now; nothing was sent. Try again in a moment.", id)) with { Echoes = 1 });
}
