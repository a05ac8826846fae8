namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>What a claim of a name came to.</summary>
internal enum NameClaimOutcome
{
    /// <summary>The name was free (or its hold ended): it is this node's now, with the new token.</summary>
    Claimed,

    /// <summary>The resume token matched: the name moved here from its earlier connection, on whatever node it was.</summary>
    Resumed,

    /// <summary>Someone is online under it (on this node or another live one): <c>name_taken</c>.</summary>
    Taken,

    /// <summary>It is held for its owner to reconnect: <c>name_taken</c>.</summary>
    Held,

    /// <summary>The names bucket did not answer: the hello cannot be decided now.</summary>
    Unavailable,
}
