using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace InfraGrpc.Server.Hosting;

/// <summary>
/// Serves the web console (web/dist, copied next to the server as <c>console/</c>) at <c>/</c>. Client-side
/// routes (<c>/projects/…</c>) fall back to index.html for GET only, so gRPC, gRPC-Web and webhook POSTs
/// keep their own endpoints. The console talks to the server only through gRPC-Web on the same origin.
/// </summary>
internal static class ConsoleAssets
{
    /// <summary>Same-origin only; inline style attributes are needed by the graph view (React Flow positions nodes with them).</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static void Map(WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "console");
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            app.MapGet("/", () => "InfraGrpc: gRPC on the gRPC port (HTTP/2); this HTTP/1.1 port serves gRPC-Web and webhooks. The web console was not built into this copy.\n");
            return;
        }

        var files = new PhysicalFileProvider(root);
        var options = new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => Harden(context.Context, context.File.Name),
        };
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(options);
        app.MapFallbackToFile("index.html", options).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
    }

    private static void Harden(HttpContext context, string fileName)
    {
        var headers = context.Response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        // Bundles carry a content hash in their names; index.html must be revalidated to pick up a new build.
        headers[HeaderNames.CacheControl] = fileName == "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
    }
}
