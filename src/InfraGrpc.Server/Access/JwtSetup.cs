using System.Security.Claims;
using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace InfraGrpc.Server.Access;

/// <summary>JWT bearer authentication through ASP.NET Core's handler, and the identity a valid JWT names.</summary>
internal static class JwtSetup
{
    public static void AddJwt(WebApplicationBuilder builder, JwtOptions jwt)
    {
        var fileKeys = jwt.JwksFile is { Length: > 0 } file ? LoadKeys(file) : null;
        var remote = fileKeys is null && jwt.JwksUrl is { Length: > 0 } url ? new RemoteKeys(new Uri(url)) : null;
        builder.Services.AddSingleton(jwt);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            if (fileKeys is null && remote is null)
            {
                // Neither a file nor a URL: the issuer's OIDC discovery document names the keys.
                options.Authority = jwt.Issuer;
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = jwt.Issuer,
                ValidAudience = jwt.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = jwt.NameClaim,
                IssuerSigningKeys = fileKeys,
                IssuerSigningKeyResolver = remote is null ? null : (_, _, _, _) => remote.Keys(),
            };
        });
    }

    /// <summary>Checks the request's JWT; the reason of a refusal names what was wrong, never the token.</summary>
    /// <exception cref="UnauthenticatedException">The JWT is expired, signed by an unknown key, for another audience or issuer, or malformed.</exception>
    public static async Task<Identity> AuthenticateAsync(HttpContext http, JwtOptions jwt)
    {
        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            var why = result.Failure switch
            {
                SecurityTokenExpiredException => "it expired",
                SecurityTokenNotYetValidException => "it is not valid yet",
                SecurityTokenInvalidAudienceException => "it is for another audience",
                SecurityTokenInvalidIssuerException => "another issuer made it",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not match a trusted key",
                _ => "it cannot be read",
            };
            throw new UnauthenticatedException("the JWT is not accepted: " + why);
        }

        var name = principal.FindFirstValue(jwt.NameClaim);
        if (string.IsNullOrEmpty(name))
        {
            throw new UnauthenticatedException($"the JWT has no {jwt.NameClaim} claim to name the caller");
        }

        var groups = principal.FindAll(jwt.GroupsClaim).Select(c => c.Value).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return new Identity(name, "jwt", groups, null);
    }

    /// <summary>Whether a bearer credential is shaped like a JWT (three dot-separated parts) rather than an API token.</summary>
    public static bool LooksLikeJwt(string bearer) => bearer.Count(c => c == '.') == 2 && !bearer.StartsWith(AccessManager.TokenPrefix, StringComparison.Ordinal);

    private static IList<SecurityKey> LoadKeys(string file)
    {
        try
        {
            return new JsonWebKeySet(File.ReadAllText(file)).GetSigningKeys();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Text.Json.JsonException)
        {
            throw new StartupException($"InfraGrpc:Auth:Jwt:JwksFile {file} cannot be read as a JWKS: {e.Message}", e);
        }
    }

    /// <summary>A JWKS URL, fetched on first use and again every ten minutes.</summary>
    private sealed class RemoteKeys(Uri url)
    {
        private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
        private readonly Lock _gate = new();
        private IList<SecurityKey> _keys = [];
        private DateTimeOffset _fetched = DateTimeOffset.MinValue;

        public IEnumerable<SecurityKey> Keys()
        {
            lock (_gate)
            {
                if (DateTimeOffset.UtcNow - _fetched > TimeSpan.FromMinutes(10))
                {
                    try
                    {
                        _keys = new JsonWebKeySet(Http.GetStringAsync(url).GetAwaiter().GetResult()).GetSigningKeys();
                        _fetched = DateTimeOffset.UtcNow;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
                    {
                        // The keys we had stay in use; with none, every JWT is refused as unsigned by a trusted key.
                    }
                }

                return _keys;
            }
        }
    }
}
