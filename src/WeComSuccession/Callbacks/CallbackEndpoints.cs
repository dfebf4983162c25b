using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WeComSuccession.Infrastructure.Options;
using WeComSuccession.WeCom.Callbacks;
using WeComSuccession.WeCom.Events;

namespace WeComSuccession.Callbacks;

/// <summary>
/// <c>/wecom/callback</c>: WeCom's URL verification (GET) and event delivery (POST). The POST does the least
/// it can before answering: verify, decrypt, parse, one durable insert, 200. Everything else happens in jobs,
/// because WeCom gives up after 5 s and retries only about three times.
/// </summary>
internal static partial class CallbackEndpoints
{
    public const string Route = "/wecom/callback";

    public static IEndpointRouteBuilder MapCallbacks(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, VerifyUrl).ExcludeFromDescription();
        app.MapPost(Route, ReceiveAsync).ExcludeFromDescription();
        return app;
    }

    private static Results<ContentHttpResult, ProblemHttpResult> VerifyUrl(
        string? msg_signature, string? timestamp, string? nonce, string? echostr, WeComCallbackCrypto crypto, CallbackRejections rejections)
    {
        var result = crypto.VerifyUrl(msg_signature, timestamp, nonce, echostr);
        if (!result.IsSuccess)
        {
            rejections.Rejected("GET", result.Failure);
            return Reject(result.Failure);
        }

        // WeCom wants the bare plaintext: no quotes, no BOM, no newline.
        return TypedResults.Text(result.Plaintext, "text/plain");
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, WeComCallbackCrypto crypto, CallbackInbox inbox, InboxProcessor processor, IOptions<WeComOptions> options,
        CallbackRejections rejections, ILogger<CallbackInbox> logger, CancellationToken ct)
    {
        var query = request.Query;
        var body = await ReadBodyAsync(request.BodyReader, options.Value.Callback.MaxBodyBytes, ct);
        var decrypted = body is null
            ? new CallbackResult(null, CallbackFailure.BodyTooLarge)
            : crypto.DecryptMessage(query["msg_signature"], query["timestamp"], query["nonce"], body);
        if (!decrypted.IsSuccess)
        {
            rejections.Rejected("POST", decrypted.Failure);
            return Reject(decrypted.Failure);
        }

        var parsed = CallbackEventParser.Parse(decrypted.Plaintext);
        if (parsed.Event is not { } evt)
        {
            rejections.Unreadable(parsed.Error!);
            return TypedResults.Problem("The callback was signed but its event could not be read.", statusCode: StatusCodes.Status400BadRequest);
        }

        // The encrypted receive-id was checked by the crypto; the XML's ToUserName must name this corp too.
        if (!string.Equals(evt.Header.CorpId, options.Value.CorpId, StringComparison.Ordinal))
        {
            rejections.Unreadable("ToUserName is not this corp");
            return TypedResults.Problem("The callback is addressed to another corp (ToUserName).", statusCode: StatusCodes.Status400BadRequest);
        }

        var (id, isNew) = await inbox.AddAsync(evt, decrypted.Plaintext!, ct);
        LogStored(logger, id, evt.Header.Event, evt.Header.ChangeType, isNew);
        if (isNew)
        {
            // After the row is durable, and without waiting for the scheduler; if this is lost, the inbox sweeper
            // enqueues the row later.
            processor.Post(id);
        }

        return TypedResults.Ok();
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger.</summary>
    private static async Task<byte[]?> ReadBodyAsync(PipeReader reader, int limit, CancellationToken ct)
    {
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static ProblemHttpResult Reject(CallbackFailure failure) => TypedResults.Problem(
        title: "Callback rejected",
        detail: $"{failure} ({failure.OfficialCode()})",
        statusCode: failure switch
        {
            CallbackFailure.MissingParameter or CallbackFailure.MalformedSignature or CallbackFailure.SignatureMismatch => StatusCodes.Status401Unauthorized,
            CallbackFailure.BodyTooLarge => StatusCodes.Status413PayloadTooLarge,
            _ => StatusCodes.Status400BadRequest,
        });

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Callback stored as inbox {InboxId}: {Event}/{ChangeType} (first delivery: {IsNew})")]
    private static partial void LogStored(ILogger logger, long inboxId, string @event, string? changeType, bool isNew);
}
