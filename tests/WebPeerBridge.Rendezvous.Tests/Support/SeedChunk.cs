namespace WebPeerBridge.Rendezvous.Tests.Support;

/// <summary>What one <c>recv(2048)</c> of the seed client returned, and its decoding on its own.</summary>
internal sealed record SeedChunk(byte[] Bytes, string Text);
