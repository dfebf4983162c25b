using System.Text.Json.Nodes;

namespace WeComSuccession.Simulator.Tests.TestSupport;

/// <summary>Approval cards as the service will send them, written as WeCom's JSON (not through the library's models).</summary>
internal static class Cards
{
    public const string Approve = "approve:plan1:r1";
    public const string Reject = "reject:plan1:r1";

    /// <summary>A message/send body with a button_interaction card: 离职人/接替人/客户数/群数, 通过/驳回, a jump to the workbench.</summary>
    public static JsonObject Approval(string taskId, string toUser = "lina|zhaolei", int buttons = 2, int rows = 4, int jumps = 1, long agentId = 1000002)
    {
        string[] keys = ["离职人", "接替人", "客户数", "群数", "部门", "原因", "备注"];
        string[] values = ["张三", "李四", "40", "3", "销售一部", "离职", "-"];
        var card = new JsonObject
        {
            ["card_type"] = "button_interaction",
            ["source"] = new JsonObject { ["desc"] = "客户继承审批" },
            ["main_title"] = new JsonObject { ["title"] = "张三的客户待继承", ["desc"] = "请审批继承方案" },
            ["horizontal_content_list"] = new JsonArray([.. Enumerable.Range(0, rows).Select(i => (JsonNode)new JsonObject { ["keyname"] = keys[i % keys.Length], ["value"] = values[i % values.Length] })]),
            ["jump_list"] = new JsonArray([.. Enumerable.Range(0, jumps).Select(i => (JsonNode)new JsonObject { ["type"] = 1, ["title"] = "打开审批工作台", ["url"] = "http://127.0.0.1:5080/workbench/plans/1" })]),
            ["task_id"] = taskId,
            ["button_list"] = new JsonArray([.. Enumerable.Range(0, buttons).Select(i => (JsonNode)new JsonObject
            {
                ["text"] = i == 0 ? "通过" : i == 1 ? "驳回" : "按钮" + i,
                ["style"] = i == 1 ? 2 : 1,
                ["key"] = i == 0 ? Approve : i == 1 ? Reject : "k" + i,
            })]),
        };
        return new JsonObject { ["touser"] = toUser, ["msgtype"] = "template_card", ["agentid"] = agentId, ["template_card"] = card };
    }

    /// <summary>The body with <paramref name="change"/> applied to a deep copy of its template_card.</summary>
    public static JsonObject With(JsonObject message, Action<JsonObject> change)
    {
        var copy = JsonNode.Parse(message.ToJsonString())!.AsObject();
        change(copy["template_card"]!.AsObject());
        return copy;
    }

    /// <summary>update_template_card replacing the buttons by <paramref name="replaceName"/> for <paramref name="userIds"/>.</summary>
    public static JsonObject Replace(string responseCode, string replaceName, string[] userIds, long agentId = 1000002) => new()
    {
        ["userids"] = new JsonArray([.. userIds.Select(u => (JsonNode)u)]),
        ["agentid"] = agentId,
        ["response_code"] = responseCode,
        ["button"] = new JsonObject { ["replace_name"] = replaceName },
    };
}
