using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WeComSuccession.Simulator.Engine;
using WeComSuccession.Simulator.Gate;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Api;

/// <summary>
/// WeCom's <c>/cgi-bin</c> endpoints at WeCom's paths and JSON shapes. Every call goes through one gate:
/// access token → per-minute rate (45009) → concurrency (45033) → latency → injected fault → the rule → ledger.
/// </summary>
internal static class WeComApi
{
    // WeCom answers UTF-8 text as is (张三, not \u5F20\u4E09).
    private static readonly WeComJsonContext Json = new(new JsonSerializerOptions(WeComJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, TypeInfoResolver = null });
    private static readonly SimJsonContext SimJson = new(new JsonSerializerOptions(SimJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, TypeInfoResolver = null });

    public static void MapWeComApi(this IEndpointRouteBuilder app, WeComSimulator sim)
    {
        Get(app, sim, "/cgi-bin/gettoken", q => sim.GetToken(q["corpid"], q["corpsecret"]), needsToken: false);
        Get(app, sim, "/cgi-bin/user/get", q => sim.UserGet(q["userid"]));
        Get(app, sim, "/cgi-bin/department/simplelist", q => sim.DepartmentSimpleList(long.TryParse(q["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null));
        Get(app, sim, "/cgi-bin/department/list", q => sim.DepartmentList(q["id"]));
        Get(app, sim, "/cgi-bin/department/get", q => sim.DepartmentGet(q["id"]));
        Post(app, sim, "/cgi-bin/user/list_id", Json.CgibinUserListIdRequest, (r, _) => sim.UserListId(r));

        Get(app, sim, "/cgi-bin/externalcontact/get_follow_user_list", _ => sim.FollowUserList());
        Get(app, sim, "/cgi-bin/externalcontact/list", q => sim.ExternalContactList(q["userid"]));
        Get(app, sim, "/cgi-bin/externalcontact/get", q => sim.ExternalContactGet(q["external_userid"], q["cursor"]));
        Post(app, sim, "/cgi-bin/externalcontact/batch/get_by_user", Json.ExternalContactBatchGetByUserRequest, (r, _) => sim.BatchGetByUser(r));
        PostJson(app, sim, "/cgi-bin/externalcontact/get_corp_tag_list", (body, _) => sim.GetCorpTagList(body));

        Post(app, sim, "/cgi-bin/externalcontact/get_unassigned_list", Json.ExternalContactGetUnassignedListRequest, (r, _) => sim.GetUnassignedList(r));
        Post(app, sim, "/cgi-bin/externalcontact/resigned/transfer_customer", Json.ExternalContactResignedTransferCustomerRequest, (r, _) => sim.ResignedTransferCustomer(r));
        Post(app, sim, "/cgi-bin/externalcontact/resigned/transfer_result", Json.ExternalContactResignedTransferResultRequest, (r, _) => sim.TransferResult(TransferKind.Resigned, r.HandoverUserId, r.TakeoverUserId, r.Cursor));
        Post(app, sim, "/cgi-bin/externalcontact/transfer_customer", Json.ExternalContactTransferCustomerRequest, (r, _) => sim.OnJobTransferCustomer(r));
        Post(app, sim, "/cgi-bin/externalcontact/transfer_result", Json.ExternalContactTransferResultRequest, (r, _) => sim.TransferResult(TransferKind.OnJob, r.HandoverUserId, r.TakeoverUserId, r.Cursor));

        Post(app, sim, "/cgi-bin/externalcontact/groupchat/list", Json.ExternalContactGroupChatListRequest, (r, _) => sim.GroupChatList(r));
        Post(app, sim, "/cgi-bin/externalcontact/groupchat/get", Json.ExternalContactGroupChatGetRequest, (r, _) => sim.GroupChatGet(r));
        Post(app, sim, "/cgi-bin/externalcontact/groupchat/transfer", Json.ExternalContactGroupChatTransferRequest, (r, _) => sim.GroupChatTransfer(r.ChatIdList, r.NewOwner, onJob: false));
        Post(app, sim, "/cgi-bin/externalcontact/groupchat/onjob_transfer", Json.ExternalContactGroupChatOnJobTransferRequest, (r, _) => sim.GroupChatTransfer(r.ChatIdList, r.NewOwner, onJob: true));

        PostJson(app, sim, "/cgi-bin/message/send", sim.MessageSend);
        PostJson(app, sim, "/cgi-bin/message/update_template_card", (body, _) => sim.UpdateTemplateCard(body));

        // auth/getuserinfo with a valid code is exempt from the frequency limits (REFERENCE §6).
        Get(app, sim, "/cgi-bin/auth/getuserinfo", q => sim.GetUserInfo(q["code"]), limited: false);
    }

    private static void Get(IEndpointRouteBuilder app, WeComSimulator sim, string path, Func<IQueryCollection, WeComResponse> handler, bool needsToken = true, bool limited = true) =>
        app.MapGet(path, (HttpContext context) => RunAsync(context, sim, path, needsToken, limited, () => ValueTask.FromResult(handler(context.Request.Query))));

    private static void Post<TRequest>(IEndpointRouteBuilder app, WeComSimulator sim, string path, JsonTypeInfo<TRequest> info, Func<TRequest, string, WeComResponse> handler)
        where TRequest : class =>
        app.MapPost(path, (HttpContext context) => RunAsync(context, sim, path, needsToken: true, limited: true, async () =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            TRequest? request;
            try
            {
                request = JsonSerializer.Deserialize(body, info);
            }
            catch (JsonException)
            {
                request = null;
            }

            return request is null ? WeComSimulator.Error(47001, "Warning: wrong json format.") : handler(request, body);
        }));

    /// <summary>A POST the simulator reads itself (<see cref="JsonFields"/>), not through the library's request models.</summary>
    private static void PostJson(IEndpointRouteBuilder app, WeComSimulator sim, string path, Func<JsonFields, string, WeComResponse> handler) =>
        app.MapPost(path, (HttpContext context) => RunAsync(context, sim, path, needsToken: true, limited: true, async () =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            return JsonFields.Parse(body) is { } fields ? handler(fields, body) : WeComSimulator.Error(47001, "Warning: wrong json format.");
        }));

    private static async Task RunAsync(HttpContext context, WeComSimulator sim, string path, bool needsToken, bool limited, Func<ValueTask<WeComResponse>> handler)
    {
        sim.Pump();
        var time = sim.Clock.GetUtcNow();
        if (needsToken && sim.CheckToken(context.Request.Query["access_token"]) is var tokenError and not 0)
        {
            await AnswerAsync(context, sim, path, time, WeComSimulator.Error(tokenError), null);
            return;
        }

        if (limited && !sim.Gate.TryCountCall(path))
        {
            await AnswerAsync(context, sim, path, time, WeComSimulator.Error(45009, "api freq out of limit"), null);
            return;
        }

        if (limited && !sim.Gate.TryEnter(path))
        {
            await AnswerAsync(context, sim, path, time, WeComSimulator.Error(45033, "api concurrent out of limit"), null);
            return;
        }

        try
        {
            var latency = sim.Gate.Latency(path);
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, sim.RealTime, context.RequestAborted);
            }

            var script = sim.Gate.TakeScript(path);
            var fault = script switch
            {
                { Drop: true } => FaultKind.Drop,
                { HttpStatus: not null } => FaultKind.Http5xx,
                { ErrCode: not null } => FaultKind.ErrCode,
                { DropAfter: true } => FaultKind.DropAfter,
                _ => sim.Gate.DrawFault(path),
            };
            var faultName = script is null ? null : "script";
            switch (fault)
            {
                case FaultKind.Drop:
                    sim.Ledger.RecordCall(time, path, null, 0, faultName ?? "drop");
                    context.Abort();
                    return;
                case FaultKind.Http5xx:
                    var status = script?.HttpStatus ?? StatusCodes.Status502BadGateway;
                    sim.Ledger.RecordCall(time, path, null, status, faultName ?? "http5xx");
                    context.Response.StatusCode = status;
                    await context.Response.WriteAsync("<html><body>502 Bad Gateway</body></html>", context.RequestAborted);
                    return;
                case FaultKind.ErrCode:
                    await AnswerAsync(context, sim, path, time, WeComSimulator.Error(script?.ErrCode ?? -1), faultName ?? "errcode");
                    return;
            }

            var response = await handler();
            if (fault == FaultKind.DropAfter)
            {
                // Executed, but the caller never learns the outcome: a transfer must not be re-sent blindly.
                sim.Ledger.RecordCall(time, path, response.ErrCode, 0, faultName ?? "drop-after");
                context.Abort();
                return;
            }

            await AnswerAsync(context, sim, path, time, response, null);
        }
        finally
        {
            if (limited)
            {
                sim.Gate.Leave(path);
            }
        }
    }

    private static async Task AnswerAsync(HttpContext context, WeComSimulator sim, string path, DateTimeOffset time, WeComResponse response, string? fault)
    {
        sim.Ledger.RecordCall(time, path, response.ErrCode, StatusCodes.Status200OK, fault);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var info = Json.GetTypeInfo(response.GetType()) ?? SimJson.GetTypeInfo(response.GetType())!;
        await JsonSerializer.SerializeAsync(context.Response.Body, response, info, context.RequestAborted);
    }
}
