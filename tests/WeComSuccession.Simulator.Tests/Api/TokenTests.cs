using WeComSuccession.Simulator.Tests.TestSupport;
using WeComSuccession.WeCom.Api.Models;

namespace WeComSuccession.Simulator.Tests.Api;

public sealed class TokenTests
{
    [Fact]
    public async Task GetToken_RightSecret_Answers7200AndWrongSecret40001()
    {
        await using var c = await SimClient.StartAsync();

        var ok = await c.GetAsync<CgibinGetTokenResponse>("/cgi-bin/gettoken?corpid=wwdemo0000000000&corpsecret=demo-secret", withToken: false);
        var wrong = await c.GetAsync<CgibinGetTokenResponse>("/cgi-bin/gettoken?corpid=wwdemo0000000000&corpsecret=nope", withToken: false);
        var wrongCorp = await c.GetAsync<CgibinGetTokenResponse>("/cgi-bin/gettoken?corpid=wwother&corpsecret=demo-secret", withToken: false);

        Assert.Equal((0, 7200), (ok.ErrCode, ok.ExpiresIn));
        Assert.NotEmpty(ok.AccessToken!);
        Assert.Equal(40001, wrong.ErrCode);
        Assert.Equal(40013, wrongCorp.ErrCode);
    }

    [Fact]
    public async Task Api_TokenMissingExpiredOrInvalidated_AnswersTheTokenCodes()
    {
        await using var c = await SimClient.StartAsync();
        var token = await c.TokenAsync();

        Assert.Equal(41001, (await c.GetAsync<CgibinUserGetResponse>("/cgi-bin/user/get?userid=lisi", withToken: false)).ErrCode);
        Assert.Equal(0, (await c.GetAsync<CgibinUserGetResponse>($"/cgi-bin/user/get?userid=lisi&access_token={token}", withToken: false)).ErrCode);

        c.Sim.AdvanceClock(TimeSpan.FromSeconds(7200));
        Assert.Equal(42001, (await c.GetAsync<CgibinUserGetResponse>($"/cgi-bin/user/get?userid=lisi&access_token={token}", withToken: false)).ErrCode);

        var fresh = (await c.GetAsync<CgibinGetTokenResponse>("/cgi-bin/gettoken?corpid=wwdemo0000000000&corpsecret=demo-secret", withToken: false)).AccessToken;
        c.Sim.ExpireTokens();
        Assert.Equal(42001, (await c.GetAsync<CgibinUserGetResponse>($"/cgi-bin/user/get?userid=lisi&access_token={fresh}", withToken: false)).ErrCode);
        c.Sim.InvalidateTokens();
        Assert.Equal(40014, (await c.GetAsync<CgibinUserGetResponse>($"/cgi-bin/user/get?userid=lisi&access_token={fresh}", withToken: false)).ErrCode);
    }
}
