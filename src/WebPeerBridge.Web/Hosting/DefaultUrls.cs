using Microsoft.AspNetCore.Hosting;

namespace WebPeerBridge.Web.Hosting;

internal static class DefaultUrls
{
    /// <summary>The bridge serves the whole LAN on this address unless told otherwise.</summary>
    public const string Lan = "http://0.0.0.0:5080";

    /// <summary>
    /// Listens on <see cref="Lan"/> when nothing else says where: no <c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>Urls</c>
    /// or <c>Kestrel:Endpoints</c>. (A default in appsettings.json would silently win over ASPNETCORE_URLS.)
    /// </summary>
    public static WebApplicationBuilder UseLanUrlsByDefault(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(Lan);
        }

        return builder;
    }
}
