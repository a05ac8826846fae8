using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Protocol.Tests;

/// <summary>Frame equality for tests: records compare by value, except their lists, which compare by reference.</summary>
internal static class FrameAssert
{
    public static void Equal(Frame expected, Frame? actual)
    {
        Assert.NotNull(actual);
        if (expected is Welcome welcome)
        {
            var other = Assert.IsType<Welcome>(actual);
            Assert.Equal(welcome.You, other.You);
            Assert.Equal(welcome.Token, other.Token);
            Assert.Equal(welcome.Peers, other.Peers);
            Assert.Equal(welcome.History, other.History);
            Assert.Equal(welcome.Skipped, other.Skipped);
            return;
        }

        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected, actual);
    }

    public static void Equal(IReadOnlyList<Frame> expected, IReadOnlyList<Frame> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], actual[i]);
        }
    }
}
