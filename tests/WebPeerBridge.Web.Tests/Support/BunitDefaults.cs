using System.Runtime.CompilerServices;
using Bunit;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>Settings every bUnit context of this assembly shares.</summary>
internal static class BunitDefaults
{
    /// <summary>
    /// A render waited for without a timeout of its own (<c>WaitForAssertion</c>, <c>WaitForState</c>) gets
    /// <see cref="TestNetwork.Timeout"/>, not bUnit's one second: a change reaches a component through the agent's change
    /// loop on the thread pool, which a loaded two-core machine can keep waiting longer than that.
    /// </summary>
    [ModuleInitializer]
    public static void Apply() => BunitContext.DefaultWaitTimeout = TestNetwork.Timeout;
}
