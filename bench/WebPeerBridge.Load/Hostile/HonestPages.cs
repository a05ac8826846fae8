using System.Diagnostics;
using System.Net;
using System.Net.Http;

namespace WebPeerBridge.Load.Hostile;

/// <summary>An honest browser's page loads (GET /) from its own address, timed; anything but 200 counts as refused.</summary>
internal sealed class HonestPages(IPAddress from, Uri web) : IDisposable
{
    private readonly HttpClient _client = Floods.HttpFrom(from, web, connections: 2);
    private readonly List<long> _loads = [];

    public int Refused { get; private set; }

    public long[] Loads => [.. _loads];

    public async Task LoadAsync(TimeSpan interval, CancellationToken until)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(until).ConfigureAwait(false))
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await _client.GetAsync(new Uri("/", UriKind.Relative), until).ConfigureAwait(false);
                    await response.Content.ReadAsByteArrayAsync(until).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        _loads.Add(Stopwatch.GetTimestamp() - started);
                    }
                    else
                    {
                        Refused++;
                    }
                }
                catch (HttpRequestException)
                {
                    Refused++;
                }
            }
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
        }
    }

    public void Dispose() => _client.Dispose();
}
