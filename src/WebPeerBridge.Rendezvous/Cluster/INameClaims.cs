namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// Names with their resume tokens and holds, shared by every node (DESIGN.md, names cannot be stolen): a claim is an atomic
/// create, a takeover a revision-checked update, so two nodes never give one name to two clients. Keyed by the name's
/// confusable skeleton. Called by the hub's loop only.
/// </summary>
internal interface INameClaims
{
    /// <summary>
    /// Claims <paramref name="name"/> for this node under <paramref name="token"/>; <paramref name="resume"/> is the token
    /// a reconnecting owner presents (null for none).
    /// </summary>
    ValueTask<NameClaimOutcome> ClaimAsync(string name, string? resume, string token, CancellationToken cancellationToken);

    /// <summary>This node's member left: with <paramref name="hold"/> the name is held for its token, else freed at once.</summary>
    void Release(string name, string token, bool hold);

    /// <summary>The name's owner was online at <paramref name="node"/>, which died: it is held for its token from now on.</summary>
    ValueTask HoldAbandonedAsync(string name, string node, CancellationToken cancellationToken);

    /// <summary>Waits until every release asked for so far is written.</summary>
    Task FlushAsync();
}
