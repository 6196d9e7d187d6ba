using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Any = Google.Protobuf.WellKnownTypes.Any;
using Status = Google.Rpc.Status;

namespace Coaching.Server.Errors;

/// <summary>
/// The answer to a call without a valid bearer token. gRPC callers get HTTP 401, which their libraries read as UNAUTHENTICATED;
/// REST/JSON callers get the same 401 with a google.rpc.Status body saying what is wrong, like every other error they see.
/// </summary>
internal static class Unauthenticated
{
    /// <summary>The JWT bearer challenge: a JSON body for everything but gRPC (and gRPC-Web).</summary>
    public static async Task AnswerAsync(JwtBearerChallengeContext challenge)
    {
        var http = challenge.HttpContext;
        if (http.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        challenge.HandleResponse();
        var missing = challenge.AuthenticateFailure is null;
        var message = missing
            ? "This call needs a bearer token: send 'Authorization: Bearer <token>'."
            : $"The bearer token was refused: {Why(challenge.AuthenticateFailure!)}.";
        var status = new Status
        {
            Code = (int)StatusCode.Unauthenticated,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Reason = missing ? "TOKEN_MISSING" : "TOKEN_INVALID", Domain = ErrorInterceptor.ErrorDomain }) },
        };
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = "Bearer";
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(ErrorJson.Formatter.Format(status), http.RequestAborted);
    }

    // What a caller can act on, without echoing the token or the validator's internals.
    private static string Why(Exception failure) => failure switch
    {
        Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException => "it has expired; get a new one",
        Microsoft.IdentityModel.Tokens.SecurityTokenNotYetValidException => "it is not valid yet",
        Microsoft.IdentityModel.Tokens.SecurityTokenInvalidSignatureException or Microsoft.IdentityModel.Tokens.SecurityTokenSignatureKeyNotFoundException =>
            "its signature does not match this server's key",
        Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAudienceException => "it is for another audience",
        Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException => "it is from another issuer",
        _ => "it is not a well-formed JWT",
    };
}
