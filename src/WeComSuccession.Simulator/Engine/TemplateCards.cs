using System.Text;
using System.Text.RegularExpressions;
using WeComSuccession.Simulator.Api;

namespace WeComSuccession.Simulator.Engine;

/// <summary>A card button: <c>type</c> 0 calls back with <see cref="Key"/>, 1 opens <see cref="Url"/>; <c>style</c> 1–4.</summary>
public sealed record CardButton(string Text, string? Key, int Style, int Type, string? Url);

/// <summary>One <c>horizontal_content_list</c> row (离职人: 张三).</summary>
public sealed record CardRow(string KeyName, string? Value, int Type, string? Url, string? UserId);

/// <summary>One <c>jump_list</c> link.</summary>
public sealed record CardJump(string Title, int Type, string? Url);

/// <summary>A choice of a vote (<c>checkbox</c>) or multiple-choice (<c>select_list</c>) card.</summary>
public sealed record CardQuestion(string QuestionKey, string? Title, IReadOnlyList<CardOption> Options, bool MultipleAnswers);

/// <summary>One option of a <see cref="CardQuestion"/>.</summary>
public sealed record CardOption(string Id, string Text, bool Checked);

/// <summary>A template card as the member sees it.</summary>
public sealed record CardContent(
    string CardType,
    string? SourceDesc,
    string? Title,
    string? Description,
    string? SubTitle,
    IReadOnlyList<CardRow> HorizontalContent,
    IReadOnlyList<CardJump> Jumps,
    string? CardActionUrl,
    IReadOnlyList<CardButton> Buttons,
    IReadOnlyList<CardQuestion> Questions,
    CardButton? SubmitButton,
    string? ReplaceText)
{
    /// <summary>Button, vote and multiple-choice cards call back and get a response_code.</summary>
    public bool IsInteractive => TemplateCards.IsInteractive(CardType);
}

/// <summary>
/// Reads and checks <c>template_card</c> as message/send and update_template_card do (REFERENCE §7.3). The codes are
/// those of WeCom's global error page for template cards (42014 task_id, 42027–42050 fields, 42031 card_type); a button
/// list longer than 6 has no code of its own there and answers 40058, as arrays over their limit do.
/// </summary>
internal static partial class TemplateCards
{
    public const int MaxTaskIdBytes = 128;

    public static bool IsInteractive(string cardType) => cardType is "button_interaction" or "vote_interaction" or "multiple_interaction";

    /// <summary>The card, or the errcode and a hint naming what is wrong.</summary>
    /// <param name="card">The <c>template_card</c> object.</param>
    /// <param name="requireTaskId">message/send needs a task_id on interactive cards; an update keeps the original's.</param>
    public static (CardContent? Card, int ErrCode, string? Detail) Read(JsonFields? card, bool requireTaskId)
    {
        if (card is null)
        {
            return Fail(42031, "template_card is missing");
        }

        var cardType = card.String("card_type") ?? "";
        if (card.Error is { } typeError)
        {
            return Fail(40058, typeError);
        }

        if (cardType is not ("text_notice" or "news_notice" or "button_interaction" or "vote_interaction" or "multiple_interaction"))
        {
            return Fail(42031, "card_type '" + cardType + "'");
        }

        var interactive = IsInteractive(cardType);
        if (requireTaskId && interactive && !ValidTaskId(card.String("task_id")))
        {
            return Fail(42014, "taskid has existed or empty or exceed max len");
        }

        var mainTitle = card.Object("main_title");
        var title = mainTitle?.String("title");
        var subTitle = card.String("sub_title_text");
        var rows = new List<CardRow>();
        foreach (var row in card.Objects("horizontal_content_list") ?? [])
        {
            var type = (int)(row.Long("type") ?? 0);
            rows.Add(new CardRow(row.String("keyname") ?? "", row.String("value"), type, row.String("url"), row.String("userid")));
        }

        var jumps = new List<CardJump>();
        foreach (var jump in card.Objects("jump_list") ?? [])
        {
            jumps.Add(new CardJump(jump.String("title") ?? "", (int)(jump.Long("type") ?? 0), jump.String("url")));
            if ((jump.Long("type") ?? 0) == 2 && string.IsNullOrEmpty(jump.String("appid")))
            {
                return Fail(42030, "jump_list.appid");
            }
        }

        var action = card.Object("card_action");
        var actionType = action?.Long("type");
        var actionUrl = action?.String("url");
        var buttons = new List<CardButton>();
        foreach (var button in card.Objects("button_list") ?? [])
        {
            buttons.Add(new CardButton(button.String("text") ?? "", button.String("key"), (int)(button.Long("style") ?? 1), (int)(button.Long("type") ?? 0), button.String("url")));
        }

        var questions = new List<CardQuestion>();
        if (card.Object("checkbox") is { } checkbox)
        {
            questions.Add(ReadQuestion(checkbox, multiple: checkbox.Long("mode") == 1));
        }

        foreach (var select in card.Objects("select_list") ?? [])
        {
            questions.Add(ReadQuestion(select, multiple: false));
        }

        var submit = card.Object("submit_button") is { } s ? new CardButton(s.String("text") ?? "", s.String("key"), 1, 0, null) : null;
        var source = card.Object("source")?.String("desc");
        var description = mainTitle?.String("desc");
        var replaceText = card.String("replace_text");
        if (card.Error is { } error)
        {
            return Fail(40058, error);
        }

        if (interactive ? string.IsNullOrEmpty(title) : string.IsNullOrEmpty(title) && string.IsNullOrEmpty(subTitle))
        {
            return Fail(42033, "main_title.title");
        }

        if (rows.Count > 6)
        {
            return Fail(42035, "horizontal_content_list holds more than 6 rows");
        }

        if (rows.Find(r => r.KeyName.Length == 0) is not null)
        {
            return Fail(42027, "horizontal_content_list.keyname");
        }

        if (rows.Find(r => (r.Type == 1 && string.IsNullOrEmpty(r.Url)) || (r.Type == 3 && string.IsNullOrEmpty(r.UserId))) is { } badRow)
        {
            return badRow.Type == 1 ? Fail(42028, "horizontal_content_list.url") : Fail(42050, "horizontal_content_list.userid");
        }

        if (jumps.Count > 3)
        {
            return Fail(42042, "jump_list holds more than 3 links");
        }

        if (jumps.Find(j => j.Title.Length == 0) is not null)
        {
            return Fail(42033, "jump_list.title");
        }

        if (jumps.Find(j => j.Type == 1 && string.IsNullOrEmpty(j.Url)) is not null)
        {
            return Fail(42028, "jump_list.url");
        }

        if (cardType is "text_notice" or "news_notice" && action is null)
        {
            return Fail(42045, "card_action");
        }

        if (actionType == 1 && string.IsNullOrEmpty(actionUrl))
        {
            return Fail(42028, "card_action.url");
        }

        var problem = cardType switch
        {
            "button_interaction" => CheckButtons(buttons),
            "vote_interaction" => CheckChoices(questions, submit, maxQuestions: 1, maxOptions: 20),
            "multiple_interaction" => CheckChoices(questions, submit, maxQuestions: 3, maxOptions: 10),
            _ => default,
        };
        if (problem.ErrCode != 0)
        {
            return Fail(problem.ErrCode, problem.Detail);
        }

        return (new CardContent(cardType, source, title, description, subTitle, rows, jumps, actionType == 1 ? actionUrl : null, buttons, questions, submit, replaceText), 0, null);
    }

    public static bool ValidTaskId(string? taskId) =>
        !string.IsNullOrEmpty(taskId) && Encoding.UTF8.GetByteCount(taskId) <= MaxTaskIdBytes && TaskIdCharacters().IsMatch(taskId);

    private static CardQuestion ReadQuestion(JsonFields q, bool multiple) =>
        new(q.String("question_key") ?? "", q.String("title"),
            [.. (q.Objects("option_list") ?? []).Select(o => new CardOption(o.String("id") ?? "", o.String("text") ?? "", o.Bool("is_checked") ?? false))],
            multiple);

    private static (int ErrCode, string? Detail) CheckButtons(List<CardButton> buttons)
    {
        if (buttons.Count is 0 or > 6)
        {
            return (40058, "button_list must hold 1-6 buttons");
        }

        foreach (var b in buttons)
        {
            if (b.Text.Length == 0)
            {
                return (42038, "button_list.text");
            }

            if (b.Type == 0 && (string.IsNullOrEmpty(b.Key) || Encoding.UTF8.GetByteCount(b.Key) > 1024))
            {
                return (42039, "button_list.key");
            }

            if (b.Type == 1 && string.IsNullOrEmpty(b.Url))
            {
                return (42028, "button_list.url");
            }
        }

        return (0, null);
    }

    private static (int ErrCode, string? Detail) CheckChoices(List<CardQuestion> questions, CardButton? submit, int maxQuestions, int maxOptions)
    {
        if (questions.Count == 0 || questions.Count > maxQuestions)
        {
            return maxQuestions == 1 ? (42043, "checkbox") : (42047, "select_list must hold 1-3 questions");
        }

        foreach (var q in questions)
        {
            if (q.QuestionKey.Length == 0)
            {
                return (42043, "question_key");
            }

            if (q.Options.Count == 0 || q.Options.Count > maxOptions)
            {
                return (42037, "option_list length");
            }

            if (q.Options.Any(o => o.Id.Length == 0))
            {
                return (42040, "option_list.id");
            }

            if (q.Options.Any(o => o.Text.Length == 0))
            {
                return (42041, "option_list.text");
            }
        }

        if (submit is null || submit.Text.Length == 0)
        {
            return (42049, "submit_button.text");
        }

        return string.IsNullOrEmpty(submit.Key) ? (42046, "submit_button.key") : (0, null);
    }

    private static (CardContent? Card, int ErrCode, string? Detail) Fail(int code, string? detail) => (null, code, detail);

    [GeneratedRegex("^[0-9a-zA-Z_@-]+$")]
    private static partial Regex TaskIdCharacters();
}
