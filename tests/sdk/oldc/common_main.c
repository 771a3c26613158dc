#include <stdio.h>
char PC;
char *UP;
int pad_char(void);
int main(void) {
  PC = 'x';
  UP = "up";
  printf("%c %s\n", pad_char(), UP);
  return 0;
}
