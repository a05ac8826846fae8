using WebPeerBridge.Web.Hosting;

// dotnet run --project src/WebPeerBridge.Web   → http://<this machine>:5080, with an embedded rendezvous server on :1234
var builder = WebApplication.CreateBuilder(args);
builder.UseLanUrlsByDefault();
builder.Services.AddWebPeerBridge(builder.Configuration);

var app = builder.Build();
app.UseWebPeerBridge();
app.Run();
