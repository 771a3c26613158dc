/* Exits with status 1 and prints nothing. */
int main(void)
{
	return 1;
}
