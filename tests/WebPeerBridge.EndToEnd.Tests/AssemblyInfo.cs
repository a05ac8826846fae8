using WebPeerBridge.EndToEnd.Tests.Support;
using Xunit.Sdk;
using Xunit.v3;

// One Chromium for the run; tests one after another: each starts a web app and browsers on two shared cores.
[assembly: AssemblyFixture(typeof(BrowserFixture))]
[assembly: Parallelization(Mode = ParallelMode.None)]
