namespace WebPeerBridge.Rendezvous.History;

/// <summary>A broadcast to store: everything of its <c>said</c> but the <c>seq</c>, which the log gives it.</summary>
public readonly record struct NewBroadcast(string? Id, string From, string Text, DateTimeOffset At);
